import type { CheckPhase, CheckReport } from '../../shared/reports'
import type { ServiceContext } from './context'
import { openDistrictSession } from './district-session'
import {
  listFolder,
  PROCESSED_DIR,
  summarizeFolder,
  UPLOAD_DIR,
} from './remote-folders'
import type { HostKeyPolicy } from './sftp-session'

export interface TrustChoice {
  /** A fingerprint the technician confirmed with SameGoal. */
  readonly fingerprint?: string
  /** Accept whatever key the server shows, only when none is pinned yet. */
  readonly firstUse?: boolean
}

/**
 * The read-only connection test (step 3): connects, pins or verifies the
 * host key, and lists /upload and /upload-processed. It never writes to the
 * account: SameGoal holds unrecognised files in /upload for its staff.
 */
export async function checkConnection(
  ctx: ServiceContext,
  domain: string,
  trust: TrustChoice = {},
  onPhase?: (phase: CheckPhase) => void,
): Promise<CheckReport> {
  const district = await ctx.store.get(domain)
  const phases: CheckPhase[] = []
  const policy = hostKeyPolicy(district.hostKey, trust)

  const session = await openDistrictSession(ctx, district, policy, {
    onPhase: (phase) => {
      phases.push(phase)
      onPhase?.(phase)
    },
  })

  try {
    if (session.hostKeyDecision === 'new') {
      const pin = { ...session.serverKey, pinnedAt: ctx.now().toISOString() }
      await ctx.store.update(district.domain, (current) => ({
        ...current,
        hostKey: pin,
      }))
      ctx.log.info(
        { domain: district.domain, sha256: pin.sha256 },
        'host key pinned',
      )
    }

    phases.push('list-folders')
    onPhase?.('list-folders')
    const upload = await listFolder(session.sftp, UPLOAD_DIR)
    const processed = await listFolder(session.sftp, PROCESSED_DIR)

    return {
      domain: district.domain,
      host: district.host,
      port: district.port,
      serverKey: session.serverKey,
      hostKeyPinned: session.hostKeyDecision,
      upload: summarizeFolder(UPLOAD_DIR, upload),
      uploadProcessed: summarizeFolder(PROCESSED_DIR, processed),
      phases,
    }
  } finally {
    await session.close()
  }
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
