import crypto from 'node:crypto'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type SftpClient from 'ssh2-sftp-client'
import { AppError, toErrorData } from '../../shared/errors'
import { nextEpochName } from '../../shared/epoch'
import type { UploadProgress, UploadResult } from '../../shared/reports'
import type { DistrictSettings, RunRecord } from '../../shared/settings-schema'
import type { ServiceContext } from './context'
import { openDistrictSession } from './district-session'
import { checkExportFile, pickExportFile, type ExportFile } from './export-file'
import { acquireLock } from './file-lock'
import { openRunLogger, type Logger } from './logger'
import { listIfPresent, PROCESSED_DIR, UPLOAD_DIR } from './remote-folders'
import { appendRun } from './run-history'

/** The empty marker that tells SameGoal an epoch is final. */
export const COMPLETE_MARKER = 'COMPLETE'

export interface UploadOptions {
  /** Send this file instead of the newest match in the export folder. */
  readonly file?: string
  readonly onProgress?: (progress: UploadProgress) => void
}

/**
 * One nightly run in epoch mode: pick the export file, create a new epoch
 * folder in /upload, upload the file, verify its size on the server, and
 * only then write the empty COMPLETE marker. Every outcome, good or bad, is
 * recorded in the history and in a log file of its own.
 */
export async function runUpload(
  ctx: ServiceContext,
  domain: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const district = await ctx.store.get(domain)
  const startedAt = ctx.now()
  const { log, file: logFile } = openRunLogger(
    ctx.layout.runLogsDir,
    district.domain,
    startedAt,
  )
  const clock = performance.now()
  const facts: Partial<RunRecord> = { mode: district.mode, logFile }

  log.info({ step: 'upload' }, 'run started')
  const release = await acquireRunLock(ctx, district.domain, log)

  try {
    const result = await uploadEpoch(ctx, district, options, log, facts)
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
    throw error
  } finally {
    await release()
    log.flush()
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

async function uploadEpoch(
  ctx: ServiceContext,
  district: DistrictSettings,
  options: UploadOptions,
  log: Logger,
  facts: Partial<RunRecord>,
): Promise<Omit<UploadResult, 'durationMs' | 'record'>> {
  const file = await pickExportFile(district, options.file)
  Object.assign(facts, { file: file.path, bytes: file.bytes })
  await checkExportFile(file)
  log.info({ file: file.name, bytes: file.bytes }, 'export file picked')

  const progress = (phase: UploadProgress['phase'], bytesSent: number): void =>
    options.onProgress?.({
      domain: district.domain,
      phase,
      bytesSent,
      bytesTotal: file.bytes,
    })

  progress('connect', 0)
  const session = await openDistrictSession(
    ctx,
    district,
    { mode: 'pinned', pin: district.hostKey },
    { log },
  )

  try {
    const epoch = await chooseEpoch(session.sftp, ctx.now())
    facts.epoch = epoch
    const epochDir = `${UPLOAD_DIR}/${epoch}`
    const remotePath = `${epochDir}/${file.name}`

    await makeEpochDir(session.sftp, epochDir)
    log.info({ epoch }, 'epoch folder created')

    await sendFile(session.sftp, file, remotePath, (sent) =>
      progress('upload', sent),
    )
    progress('verify', file.bytes)
    await verifySize(session.sftp, file, remotePath, log)

    await session.sftp.put(Buffer.alloc(0), `${epochDir}/${COMPLETE_MARKER}`)
    progress('complete', file.bytes)
    log.info({ epoch }, 'COMPLETE written')

    return {
      domain: district.domain,
      epoch,
      file: file.path,
      remotePath,
      bytes: file.bytes,
    }
  } finally {
    await session.close()
  }
}

async function chooseEpoch(sftp: SftpClient, now: Date): Promise<string> {
  const pending = (await listIfPresent(sftp, UPLOAD_DIR)) ?? []
  const processed = (await listIfPresent(sftp, PROCESSED_DIR)) ?? []

  return nextEpochName(
    now,
    [...pending, ...processed].map((entry) => entry.name),
  )
}

async function makeEpochDir(sftp: SftpClient, epochDir: string): Promise<void> {
  if (await sftp.exists(epochDir)) {
    throw new AppError(
      'EPOCH_EXISTS',
      `The folder ${epochDir} already exists on the server.`,
    )
  }

  try {
    await sftp.mkdir(epochDir, false)
  } catch (error) {
    throw new AppError(
      'UPLOAD_NOT_PERMITTED',
      `The server did not allow creating ${epochDir}.`,
      { cause: error },
    )
  }
}

async function sendFile(
  sftp: SftpClient,
  file: ExportFile,
  remotePath: string,
  onSent: (bytes: number) => void,
): Promise<void> {
  try {
    await sftp.fastPut(file.path, remotePath, {
      step: (sent: number) => onSent(sent),
    })
  } catch (error) {
    throw new AppError(
      'TRANSFER_FAILED',
      `Uploading ${file.name} did not finish.`,
      { cause: error },
    )
  }
}

async function verifySize(
  sftp: SftpClient,
  file: ExportFile,
  remotePath: string,
  log: Logger,
): Promise<void> {
  const stat = await sftp.stat(remotePath).catch(() => undefined)
  if (stat?.size === file.bytes) return

  log.error({ expected: file.bytes, found: stat?.size }, 'remote size mismatch')
  await sftp.delete(remotePath).catch(() => undefined)
  throw new AppError(
    'VERIFY_FAILED',
    `The server holds ${stat?.size ?? 'no'} bytes of ${path.basename(remotePath)}; ${file.bytes} were sent.`,
  )
}
