import { AppError } from '../../shared/errors'
import type { CheckPhase, CheckReport } from '../../shared/reports'
import type { DistrictSettings } from '../../shared/settings-schema'
import { explainAuthRefusal } from './auth-diagnosis'
import type { ServiceContext } from './context'
import { openDistrictSession } from './district-session'
import { redactProxyUrl } from './proxy-tunnel'
import {
  listFolder,
  PROCESSED_DIR,
  summarizeFolder,
  UPLOAD_DIR,
  type RemoteEntry,
} from './remote-folders'
import type { HostKeyPolicy, SftpSession, Timeouts } from './sftp-session'

export interface TrustChoice {
  /** A fingerprint the technician confirmed with SameGoal. */
  readonly fingerprint?: string
  /** Accept whatever key the server shows, only when none is pinned yet. */
  readonly firstUse?: boolean
}

export interface CheckOptions {
  readonly onPhase?: (phase: CheckPhase) => void
  /** Phase time limits for this one test (CLI flags). */
  readonly timeouts?: Partial<Timeouts>
}

/**
 * The read-only connection test (step 3): connects, pins or verifies the
 * host key, and lists /upload and /upload-processed. It never writes to the
 * account: SameGoal holds unrecognised files in /upload for its staff.
 * A failure carries the phases passed and the one that failed.
 */
export async function checkConnection(
  ctx: ServiceContext,
  domain: string,
  trust: TrustChoice = {},
  onPhaseOrOptions?: ((phase: CheckPhase) => void) | CheckOptions,
): Promise<CheckReport> {
  const options =
    typeof onPhaseOrOptions === 'function'
      ? { onPhase: onPhaseOrOptions }
      : (onPhaseOrOptions ?? {})
  const district = await ctx.store.get(domain)
  const phases: CheckPhase[] = []
  const onPhase = (phase: CheckPhase): void => {
    phases.push(phase)
    options.onPhase?.(phase)
  }

  try {
    return await runCheck(ctx, district, trust, options, onPhase, phases)
  } catch (error) {
    await pinIfTrusted(ctx, district, error)
    throw failureWithPhases(ctx, district, error, phases)
  }
}

// A key the technician chose to trust stays trusted when a later phase
// fails (typically the login, while SameGoal installs the key), so the
// next test does not ask again.
async function pinIfTrusted(
  ctx: ServiceContext,
  district: DistrictSettings,
  error: unknown,
): Promise<void> {
  if (!(error instanceof AppError) || !error.extra?.['hostKeyAccepted']) return

  const serverKey = error.extra['serverKey'] as SftpSession['serverKey']
  await pinHostKey(ctx, district, serverKey)
}

async function runCheck(
  ctx: ServiceContext,
  district: DistrictSettings,
  trust: TrustChoice,
  options: CheckOptions,
  onPhase: (phase: CheckPhase) => void,
  phases: CheckPhase[],
): Promise<CheckReport> {
  const policy = hostKeyPolicy(district.hostKey, trust)
  const session = await openDistrictSession(ctx, district, policy, {
    onPhase,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  })

  try {
    if (session.hostKeyDecision === 'new')
      await pinHostKey(ctx, district, session.serverKey)

    onPhase('list-folders')
    const upload = await readFolder(session, UPLOAD_DIR)
    const processed = await readFolder(session, PROCESSED_DIR)
    const summary = summarizeFolder(PROCESSED_DIR, processed)
    const lastProcessedAt = processedAt(processed, summary.latestEpoch)
    const pending = summarizeFolder(UPLOAD_DIR, upload)

    return {
      domain: district.domain,
      host: district.host,
      port: district.port,
      serverKey: session.serverKey,
      hostKeyPinned: session.hostKeyDecision,
      upload: pending,
      uploadProcessed: summary,
      phases,
      pendingEpochs: pending.epochs,
      processedEpochs: summary.epochs,
      ...(lastProcessedAt ? { lastProcessedAt } : {}),
      ...(district.proxy ? { proxy: redactProxyUrl(district.proxy) } : {}),
    }
  } finally {
    await session.close()
  }
}

async function pinHostKey(
  ctx: ServiceContext,
  district: DistrictSettings,
  serverKey: SftpSession['serverKey'],
): Promise<void> {
  const pin = { ...serverKey, pinnedAt: ctx.now().toISOString() }
  await ctx.store.update(district.domain, (current) => ({
    ...current,
    hostKey: pin,
  }))
  ctx.log.info(
    { domain: district.domain, sha256: pin.sha256 },
    'host key pinned',
  )
}

// A listing that fails because the server went silent is that, not a
// missing folder.
async function readFolder(
  session: SftpSession,
  dir: string,
): Promise<RemoteEntry[]> {
  try {
    return await listFolder(session.sftp, dir)
  } catch (error) {
    throw session.lostError() ?? error
  }
}

function processedAt(
  entries: readonly RemoteEntry[],
  epoch: string | undefined,
): string | undefined {
  const entry = entries.find((e) => e.name === epoch)
  if (!entry || !entry.modifiedAt) return undefined

  return new Date(entry.modifiedAt).toISOString()
}

function failureWithPhases(
  ctx: ServiceContext,
  district: DistrictSettings,
  error: unknown,
  phases: readonly CheckPhase[],
): unknown {
  if (!(error instanceof AppError)) return error

  const explained =
    error.code === 'AUTH_REFUSED'
      ? explainAuthRefusal(error, district, ctx.now())
      : error
  const failedPhase = phases[phases.length - 1]
  ctx.log.warn(
    { domain: district.domain, code: error.code, failedPhase },
    'connection test failed',
  )

  return new AppError(explained.code, explained.message, {
    ...(explained.details ? { details: explained.details } : {}),
    extra: {
      ...explained.extra,
      phases: phases.slice(0, -1),
      ...(failedPhase ? { failedPhase } : {}),
    },
  })
}

/** Turns the technician's choice into the policy the session enforces. */
export function hostKeyPolicy(
  pin: HostKeyPolicy['pin'],
  trust: TrustChoice,
): HostKeyPolicy {
  if (trust.fingerprint)
    return { mode: 'trust', fingerprint: trust.fingerprint, pin }
  if (trust.firstUse) return { mode: 'first-use', pin }

  return { mode: 'pinned', pin }
}
