import type { UploadProgress } from '../../../shared/reports'
import { formatBytes } from './export-preview'

const PHASE_WORDS: Record<UploadProgress['phase'], string> = {
  check: 'Checking the export file',
  connect: 'Connecting',
  upload: 'Uploading',
  verify: 'Verifying on the server',
  complete: 'Done',
  retry: 'Connection lost; trying again',
}

/** The progress bar of a running upload: bytes, rate and time left. */
export function RunProgress({
  progress,
}: {
  readonly progress: UploadProgress | undefined
}) {
  const sent = progress?.bytesSent ?? 0
  const total = progress?.bytesTotal ?? 0
  const percent = total > 0 ? Math.round((sent / total) * 100) : 0
  const rate = progress?.rateBps
  const secondsLeft = rate && rate > 0 ? (total - sent) / rate : undefined
  const attempt =
    progress?.attempt && progress.attempt > 1
      ? ` (attempt ${progress.attempt})`
      : ''

  return (
    <div className="upload-progress" data-testid="upload-progress">
      <progress max={100} value={percent} aria-label="Upload progress" />
      <span>
        {progress ? PHASE_WORDS[progress.phase] : 'Starting'}
        {attempt} · {percent}% · {formatBytes(sent)} of {formatBytes(total)}
        {rate ? ` · ${formatBytes(rate)}/s` : ''}
        {secondsLeft !== undefined
          ? ` · about ${Math.ceil(secondsLeft)} s left`
          : ''}
      </span>
    </div>
  )
}
