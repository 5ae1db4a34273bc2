import { AppError } from '../../shared/errors'
import { namesBeyondHorizon, nextEpochName } from '../../shared/epoch'
import type { TransferReport } from '../../shared/upload-reports'
import { assertExportUnchanged, type ExportFile } from './export-file'
import type { Logger } from './logger'
import { PROCESSED_DIR, UPLOAD_DIR } from './remote-folders'
import {
  listRemote,
  mkdirRemote,
  removeRemote,
  SFTP_STATUS,
  statRemote,
  statusOf,
  writeEmpty,
  type Remote,
} from './remote-ops'
import type { TransferOptions } from './transfer'
import { sendVerified } from './upload-verify'

/**
 * One attempt of an epoch-mode upload: a new folder in /upload, the export
 * file in it, verified, and only then the empty COMPLETE marker. A retry
 * after a lost connection comes back with the same epoch: if COMPLETE is
 * already there beside a verified file, the earlier attempt finished and
 * only its answer was lost; otherwise the partial file is removed and the
 * same folder is used again.
 */

/** The empty marker that tells SameGoal an epoch is final. */
export const COMPLETE_MARKER = 'COMPLETE'

/** What carries over from one attempt to the next. */
export interface EpochAttempt {
  epoch?: string
}

export interface EpochOutcome {
  readonly epoch: string
  readonly remotePath: string
  readonly transfer?: TransferReport
}

const NEW_NAME_TRIES = 3

/** Runs one attempt; raw errors from a lost connection propagate as they are. */
export async function uploadIntoEpoch(
  remote: Remote,
  file: ExportFile,
  state: EpochAttempt,
  now: Date,
  options: TransferOptions,
): Promise<EpochOutcome> {
  const log = options.log
  if (state.epoch) {
    const resumed = await resumeEpoch(remote, file, state.epoch, log)
    if (resumed === 'complete') {
      return { epoch: state.epoch, remotePath: exportPath(state.epoch, file) }
    }
    if (resumed === 'gone') state.epoch = undefined
  }
  state.epoch ??= await createEpoch(remote, now, log)

  const epoch = state.epoch
  const remotePath = exportPath(epoch, file)
  const transfer = await sendVerified(remote, file, remotePath, options)
  log.info({ epoch, bytes: file.bytes }, 'upload verified')
  // What was sent and verified must still be the file: one that grew
  // meanwhile went out short.
  await assertExportUnchanged(file, 'upload')

  await writeEmpty(remote, `${UPLOAD_DIR}/${epoch}/${COMPLETE_MARKER}`)
  log.info({ epoch }, 'COMPLETE written')
  return { epoch, remotePath, transfer }
}

function exportPath(epoch: string, file: ExportFile): string {
  return `${UPLOAD_DIR}/${epoch}/${file.name}`
}

async function resumeEpoch(
  remote: Remote,
  file: ExportFile,
  epoch: string,
  log: Logger,
): Promise<'complete' | 'reuse' | 'gone'> {
  const dir = `${UPLOAD_DIR}/${epoch}`
  const marker = await statRemote(remote, `${dir}/${COMPLETE_MARKER}`)
  const sent = await statRemote(remote, exportPath(epoch, file))

  if (marker && sent?.size === file.bytes) {
    log.info({ epoch }, 'COMPLETE was written before the connection dropped')
    return 'complete'
  }
  if (marker || !(await statRemote(remote, dir))) {
    // Already final (or taken away): never add to it, start a new epoch.
    log.warn(
      { epoch },
      'the earlier epoch cannot be reused; starting a new one',
    )
    return 'gone'
  }

  await removeRemote(remote, exportPath(epoch, file))
  log.info({ epoch }, 'partial file removed; reusing the epoch')
  return 'reuse'
}

// A name later than every epoch already on the server; a folder that turns
// out to exist anyway (another writer, a listing that missed it) is left
// untouched and the next name is tried.
async function createEpoch(
  remote: Remote,
  now: Date,
  log: Logger,
): Promise<string> {
  const [pending, processed] = await Promise.all([
    listUpload(remote),
    listRemote(remote, PROCESSED_DIR).catch(() => []),
  ])
  const taken = [...pending, ...processed]
  for (const name of namesBeyondHorizon(now, taken)) {
    log.warn(
      { folder: name },
      'an epoch-shaped folder lies far ahead of this computer\u2019s clock; new epochs are not ordered after it (ask SameGoal about it)',
    )
  }

  for (let i = 0; i < NEW_NAME_TRIES; i++) {
    const epoch = nextEpochName(now, taken)
    const dir = `${UPLOAD_DIR}/${epoch}`
    try {
      await mkdirRemote(remote, dir)
      log.info({ epoch }, 'epoch folder created')
      return epoch
    } catch (error) {
      if (statusOf(error) === undefined) throw error
      if (!(await statRemote(remote, dir))) throw notPermitted(dir, error)

      log.warn({ epoch }, 'epoch folder already exists; left untouched')
      taken.push(epoch)
    }
  }
  throw new AppError(
    'EPOCH_EXISTS',
    `Every new folder name tried in ${UPLOAD_DIR} already existed on the server; nothing was written.`,
  )
}

async function listUpload(remote: Remote): Promise<string[]> {
  try {
    return await listRemote(remote, UPLOAD_DIR)
  } catch (error) {
    if (statusOf(error) === undefined) throw error

    throw new AppError(
      'REMOTE_FOLDER_MISSING',
      `The folder ${UPLOAD_DIR} on the server is missing or cannot be read.`,
      { cause: error, extra: { folder: UPLOAD_DIR } },
    )
  }
}

/** A refusal from the server to write into /upload; never retried. */
export function notPermitted(target: string, error: unknown): AppError {
  const denied = statusOf(error) === SFTP_STATUS.PERMISSION_DENIED
  const why = denied ? 'permission denied' : 'the server refused'

  return new AppError(
    'UPLOAD_NOT_PERMITTED',
    `The server did not allow writing ${target} in ${UPLOAD_DIR} (${why}).`,
    { cause: error },
  )
}
