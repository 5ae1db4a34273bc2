import crypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { AppError, toErrorData } from '../../shared/errors'
import type { UploadProgress, UploadResult } from '../../shared/reports'
import type { DistrictSettings, RunRecord } from '../../shared/settings-schema'
import { withConnectionRecord } from './connection-record'
import type { ServiceContext } from './context'
import { openDistrictSession } from './district-session'
import type { SftpSession } from './sftp-session'
import { uploadDirect, type DirectOutcome } from './direct-upload'
import {
  uploadIntoEpoch,
  type EpochAttempt,
  type EpochOutcome,
} from './epoch-upload'
import { checkExport } from './export-check'
import {
  assertExportUnchanged,
  pickExportFile,
  waitUntilWritten,
  type ExportFile,
} from './export-file'
import { acquireLock } from './file-lock'
import { openRunLogger, type Logger } from './logger'
import { runPreExport } from './pre-export'
import { remoteOf } from './remote-ops'
import { channelsForLink, openChannelPool } from './sftp-channels'
import { appendRun } from './run-history'
import { asAppError, isTransient, withRetries } from './run-retry'
import { runSettings, type ResolvedRunSettings } from './run-settings'
import { progressReporter, removePartialUpload } from './upload-support'

export { COMPLETE_MARKER } from './epoch-upload'

export interface UploadOptions {
  /** Send this file instead of the newest match in the export folder. */
  readonly file?: string
  /** Send a file older than the freshness limit, this once. */
  readonly allowStale?: boolean
  /** Send a file with far fewer records than last time, this once. */
  readonly allowDrop?: boolean
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: UploadProgress) => void
  /**
   * Asked once this run holds the district's lock: true means the upload
   * is no longer wanted (another run finished tonight's), and the run
   * ends with AlreadyDone instead of sending anything.
   */
  readonly skipIf?: () => Promise<boolean>
}

/** Thrown when `skipIf` said the upload is no longer wanted. */
export class AlreadyDone extends Error {
  constructor() {
    super('another run already did this upload')
    this.name = 'AlreadyDone'
  }
}

const running = new Map<string, AbortController>()

/** Cancels this process's run for a district; true if one was running. */
export function cancelUpload(domain: string): boolean {
  const run = running.get(domain.trim().toLowerCase())
  run?.abort()

  return run !== undefined
}

/**
 * One nightly run: run the district's export command if it has one, pick
 * the export file once it is fully written, check it, and upload it in the
 * district's mode, retrying network failures. Every outcome, good or bad,
 * is recorded in the history and in a log file of its own.
 */
export async function runUpload(
  ctx: ServiceContext,
  domain: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const district = await ctx.store.get(domain)
  const startedAt = ctx.now()
  const { log, file: logFile } = runLogger(ctx, district.domain, startedAt)
  const clock = performance.now()
  const facts: Partial<RunRecord> = { mode: district.mode, logFile }

  log.info({ step: 'upload', mode: district.mode }, 'run started')
  const release = await acquireRunLock(ctx, district.domain, log)
  if (options.skipIf && (await options.skipIf().catch(() => false))) {
    await release().catch(() => undefined)
    log.info('another run finished this upload meanwhile; nothing sent')
    log.flush()
    throw new AlreadyDone()
  }
  const controller = new AbortController()
  options.signal?.addEventListener('abort', () => controller.abort())
  running.set(district.domain, controller)

  try {
    const run = { ...options, signal: controller.signal }
    const result = await performRun(ctx, district, run, log, facts)
    const record = await finish(ctx, district, startedAt, clock, {
      ...facts,
      result: 'success',
    })
    log.info({ epoch: result.epoch, bytes: result.bytes }, 'run succeeded')

    return { ...result, durationMs: record.durationMs, record }
  } catch (error) {
    const data = toErrorData(error)
    const result = data.exitCode === 7 ? 'refused' : 'failed'
    await finish(ctx, district, startedAt, clock, {
      ...facts,
      result,
      code: data.code,
      message: data.message,
    })
    log.error({ code: data.code, details: data.details }, data.message)
    throw new AppError(data.code, data.message, {
      ...(data.details === undefined ? {} : { details: data.details }),
      extra: { ...data.extra, logFile },
    })
  } finally {
    running.delete(district.domain)
    await release().catch(() => undefined)
    log.flush()
  }
}

async function performRun(
  ctx: ServiceContext,
  district: DistrictSettings,
  options: UploadOptions & { signal: AbortSignal },
  log: Logger,
  facts: Partial<RunRecord>,
): Promise<Omit<UploadResult, 'durationMs' | 'record'>> {
  const settings = runSettings(district)
  const report = progressReporter(district.domain, options.onProgress)

  if (settings.preExport && !options.file) {
    const { command, timeoutMs } = settings.preExport
    await runPreExport(command, timeoutMs, log, options.signal)
  }

  report('check', 0, 0)
  const file = await readyFile(district, settings, options, ctx.now())
  Object.assign(facts, { file: file.path, bytes: file.bytes })

  // Connecting only reads, so it starts while the checks stream the file;
  // a refused file still sends nothing, and its refusal is what is said.
  const early = connect(ctx, district, log)
  early.catch(() => undefined)
  let checks: Awaited<ReturnType<typeof checkExport>>
  try {
    checks = await checkExport(ctx, district, file, options)
    await assertExportUnchanged(file, 'checks')
  } catch (error) {
    await early.then((session) => session.close()).catch(() => undefined)
    throw error
  }
  checks = { ...checks, warnings: [...(file.notes ?? []), ...checks.warnings] }
  Object.assign(facts, { records: checks.records })
  if (checks.warnings.length > 0) facts.warnings = [...checks.warnings]
  log.info(
    { file: file.name, bytes: file.bytes, records: checks.records },
    'export file checked',
  )
  for (const warning of checks.warnings) log.warn({ step: 'check' }, warning)

  const sent = await sendWithRetries(
    ctx,
    district,
    file,
    settings,
    options,
    log,
    report,
    early,
  )
  Object.assign(facts, {
    retries: sent.retries,
    remotePath: sent.remotePath,
    throughputBps: sent.throughputBps,
    ...(sent.epoch ? { epoch: sent.epoch } : {}),
    ...(sent.transfer ? { transfer: describeTransfer(sent.transfer) } : {}),
  })
  report('complete', file.bytes, file.bytes)

  return {
    domain: district.domain,
    ...(sent.epoch ? { epoch: sent.epoch } : {}),
    file: file.path,
    remotePath: sent.remotePath,
    bytes: file.bytes,
    mode: district.mode,
    records: checks.records,
    retries: sent.retries,
    throughputBps: sent.throughputBps,
    warnings: checks.warnings,
    ...(sent.transfer ? { transfer: sent.transfer } : {}),
  }
}

// Recorded like any connection, so the fleet's last connection is current.
function connect(
  ctx: ServiceContext,
  district: DistrictSettings,
  log: Logger,
): Promise<SftpSession> {
  return withConnectionRecord(
    ctx.layout,
    district.domain,
    'upload',
    ctx.now,
    () =>
      openDistrictSession(
        ctx,
        district,
        { mode: 'pinned', pin: district.hostKey },
        { log },
      ),
  )
}

async function readyFile(
  district: DistrictSettings,
  settings: ResolvedRunSettings,
  options: UploadOptions & { signal: AbortSignal },
  now: Date,
): Promise<ExportFile> {
  const picked = await pickExportFile(district, options.file, now)
  if (settings.settleMs === 0) return picked

  try {
    return await waitUntilWritten(picked, settings.settleMs, options.signal)
  } catch (error) {
    throw options.signal.aborted ? cancelled() : error
  }
}

type Outcome = DirectOutcome | EpochOutcome

type Sent = Outcome & {
  readonly retries: number
  readonly throughputBps: number
}

async function sendWithRetries(
  ctx: ServiceContext,
  district: DistrictSettings,
  file: ExportFile,
  settings: ResolvedRunSettings,
  options: UploadOptions & { signal: AbortSignal },
  log: Logger,
  report: ReturnType<typeof progressReporter>,
  early?: Promise<SftpSession>,
): Promise<Sent> {
  const state: EpochAttempt = {}
  let attemptMs = 0
  let opened = early

  const { value, retries } = await withRetries(
    async (attempt) => {
      if (options.signal.aborted) throw cancelled()
      report('connect', 0, file.bytes, attempt)
      // The first attempt uses the session opened during the checks.
      const pending = opened ?? connect(ctx, district, log)
      opened = undefined
      const session = await pending
      const started = performance.now()
      const remote = remoteOf(session.sftp, settings.stallMs)
      const channels = await channelsForLink(remote, settings.channels, log)
      const pool = openChannelPool(remote, file.bytes, channels, log)
      const transfer = {
        pool,
        channels: settings.channels,
        concurrency: settings.concurrency,
        stallMs: settings.stallMs,
        log,
        signal: options.signal,
        onProgress: (sent: number) =>
          report('upload', sent, file.bytes, attempt),
      }

      try {
        const outcome: Outcome =
          district.mode === 'direct'
            ? await uploadDirect(remote, file, transfer)
            : await uploadIntoEpoch(remote, file, state, ctx.now(), transfer)
        attemptMs = performance.now() - started
        return outcome
      } catch (error) {
        // A cancel, a changed export or a refusal the server made will not
        // be retried: what was sent must not stay (in direct mode SameGoal
        // would take a short file). A lost link is retried, which replaces it.
        if (options.signal.aborted || !isTransient(asAppError(error))) {
          await removePartialUpload(remote, file, state, district.mode, log)
        }
        throw error
      } finally {
        // Closing after a verified upload and COMPLETE never fails the run.
        pool.close()
        await session.close()
      }
    },
    {
      retries: settings.retries,
      delayMs: settings.retryDelayMs,
      log,
      signal: options.signal,
      onRetry: (attempt) => report('retry', 0, file.bytes, attempt + 1),
    },
  )

  const throughputBps =
    attemptMs > 0 ? Math.round(file.bytes / (attemptMs / 1000)) : 0
  return { ...value, retries, throughputBps }
}

function describeTransfer(t: NonNullable<Sent['transfer']>): string {
  return `${t.mode}, ${t.channels} channel(s), ${t.inFlight} x ${t.chunkBytes} bytes in flight`
}

function cancelled(): AppError {
  return new AppError(
    'UPLOAD_CANCELLED',
    'The upload was cancelled; nothing was marked complete.',
  )
}

// The run's own log file; when it cannot be written (a read-only or full
// logs folder), the run goes on with the home's log, because the night's
// upload and its history record matter more than its log file.
function runLogger(
  ctx: ServiceContext,
  domain: string,
  startedAt: Date,
): { log: Logger; file?: string } {
  try {
    return openRunLogger(ctx.layout.runLogsDir, domain, startedAt)
  } catch (error) {
    ctx.log.warn(
      { domain, reason: String(error) },
      'the run log cannot be written; the run goes on without it',
    )
    return { log: ctx.log }
  }
}

async function acquireRunLock(
  ctx: ServiceContext,
  domain: string,
  log: Logger,
): Promise<() => Promise<void>> {
  try {
    return await acquireLock(ctx.layout.runLockTarget(domain), {
      waitMs: 0,
      staleMs: 60_000,
    })
  } catch (error) {
    log.warn('another run holds the lock')
    throw new AppError(
      'RUN_IN_PROGRESS',
      `Another upload for ${domain} is already running.`,
      { cause: error },
    )
  }
}

async function finish(
  ctx: ServiceContext,
  district: DistrictSettings,
  startedAt: Date,
  clock: number,
  facts: Partial<RunRecord> & Pick<RunRecord, 'result'>,
): Promise<RunRecord> {
  const record: RunRecord = {
    id: crypto.randomUUID(),
    domain: district.domain,
    startedAt: startedAt.toISOString(),
    finishedAt: ctx.now().toISOString(),
    durationMs: Math.round(performance.now() - clock),
    mode: district.mode,
    ...facts,
  }
  await appendRun(ctx.layout, record)
  return record
}
