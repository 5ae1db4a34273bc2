import type { UploadProgress } from '../../shared/reports'
import type { UploadMode } from '../../shared/settings-schema'
import { COMPLETE_MARKER, type EpochAttempt } from './epoch-upload'
import type { ExportFile } from './export-file'
import type { Logger } from './logger'
import { UPLOAD_DIR } from './remote-folders'
import {
  removeRemote,
  rmdirRemote,
  statRemote,
  type Remote,
} from './remote-ops'

/** Small helpers of the upload run: progress with a rate, cancel clean-up. */

type Phase = UploadProgress['phase']

const RATE_WINDOW_MS = 3000
const EMIT_EVERY_MS = 100

/** A progress callback that adds the recent rate and limits how often it fires. */
export function progressReporter(
  domain: string,
  onProgress: ((progress: UploadProgress) => void) | undefined,
): (phase: Phase, sent: number, total: number, attempt?: number) => void {
  const samples: Array<readonly [number, number]> = []
  let lastEmit = 0

  return (phase, sent, total, attempt) => {
    if (!onProgress) return
    const now = Date.now()
    if (phase === 'upload' && sent < total && now - lastEmit < EMIT_EVERY_MS) {
      samples.push([now, sent])
      return
    }

    lastEmit = now
    samples.push([now, sent])
    while (
      samples.length > 2 &&
      now - (samples[0]?.[0] ?? now) > RATE_WINDOW_MS
    )
      samples.shift()
    const first = samples[0] ?? [now, sent]
    const seconds = (now - first[0]) / 1000
    const rateBps =
      phase === 'upload' && seconds > 0
        ? (sent - first[1]) / seconds
        : undefined

    onProgress({
      domain,
      phase,
      bytesSent: sent,
      bytesTotal: total,
      ...(rateBps !== undefined ? { rateBps: Math.round(rateBps) } : {}),
      ...(attempt !== undefined ? { attempt } : {}),
    })
  }
}

/**
 * After a cancel, or an export that changed or went away mid-upload:
 * removes the partial export file and, in epoch mode, the epoch folder,
 * unless COMPLETE made it final already. Best effort; a folder left
 * behind without COMPLETE is never processed, and the log says so.
 */
export async function removePartialUpload(
  remote: Remote,
  file: ExportFile,
  state: EpochAttempt,
  mode: UploadMode,
  log: Logger,
): Promise<void> {
  try {
    if (mode === 'direct') {
      await removeRemote(remote, `${UPLOAD_DIR}/${file.name}`)
    } else if (state.epoch) {
      const dir = `${UPLOAD_DIR}/${state.epoch}`
      if (await statRemote(remote, `${dir}/${COMPLETE_MARKER}`)) return
      await removeRemote(remote, `${dir}/${file.name}`)
      await rmdirRemote(remote, dir)
    }
    log.info({ epoch: state.epoch }, 'partial upload removed')
  } catch (error) {
    log.warn(
      { epoch: state.epoch, reason: String(error) },
      'partial upload not removed; without COMPLETE it is never processed',
    )
  }
}
