import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { UploadProgress } from '../../shared/reports'
import { call, listen } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'

/** Step 4: where the export file comes from, when the run happens, and "Run now". */
export function ScheduleStep({ district, onChanged, onNext }: StepProps) {
  const { settings } = district
  const domain = settings.domain
  const [folder, setFolder] = useState(settings.exportDir ?? '')
  const [pattern, setPattern] = useState(settings.pattern)
  const [at, setAt] = useState(settings.at)
  const [progress, setProgress] = useState<UploadProgress>()

  useEffect(
    () =>
      listen('upload:progress', (p) => p.domain === domain && setProgress(p)),
    [domain],
  )

  const preview = useAction(
    useCallback(() => call('export:preview', { domain }), [domain]),
  )
  const save = useAction(
    useCallback(
      () =>
        call('districts:update', {
          domain,
          fields: { exportDir: folder, pattern, at },
        }),
      [domain, folder, pattern, at],
    ),
    () => {
      void onChanged()
      void preview.run()
    },
  )
  const upload = useAction(
    useCallback(() => call('upload:run', { domain }), [domain]),
    () => void onChanged(),
  )

  useEffect(() => {
    if (settings.exportDir) void preview.run()
    // Only on first show (per district); later previews follow a save.
  }, [domain])

  const submit = (event: FormEvent): void => {
    event.preventDefault()
    void save.run()
  }
  const percent =
    progress && progress.bytesTotal > 0
      ? Math.round((progress.bytesSent / progress.bytesTotal) * 100)
      : 0

  return (
    <section className="panel" aria-labelledby="schedule-title">
      <h3 id="schedule-title">Step 4: Nightly upload</h3>
      <form onSubmit={submit} className="grid-form">
        <label>
          Export folder (where Ascender writes the Special Ed/Student Export)
          <input
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            placeholder="C:\\Exports\\FooISD"
            required
          />
        </label>
        <label>
          File name pattern
          <input
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
            required
          />
        </label>
        <label>
          Run every night at
          <input
            type="time"
            value={at}
            onChange={(e) => setAt(e.target.value)}
            required
          />
        </label>
        <button type="submit" disabled={save.busy}>
          Save
        </button>
      </form>
      {save.error ? <ErrorBox error={save.error} /> : null}
      {preview.result?.file ? (
        <p className="notice" data-testid="export-preview">
          Tonight it would send{' '}
          <span className="mono">{preview.result.file}</span> (
          {preview.result.bytes} bytes, written{' '}
          {new Date(preview.result.modifiedAt ?? '').toLocaleString()}).
        </p>
      ) : null}
      {preview.error ? <ErrorBox error={preview.error} /> : null}
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => void upload.run()}
          disabled={upload.busy}
        >
          {upload.busy ? 'Uploading…' : 'Run upload now'}
        </button>
      </div>
      {upload.busy || progress ? (
        <div className="upload-progress">
          <progress max={100} value={percent} aria-label="Upload progress" />
          <span>
            {progress?.phase ?? 'starting'} · {percent}%
          </span>
        </div>
      ) : null}
      {upload.result ? (
        <div className="notice notice-ok" role="status">
          <strong>Uploaded into epoch {upload.result.epoch}.</strong>
          <p>
            {upload.result.bytes} bytes verified on the server, then COMPLETE
            written.
          </p>
          <button
            type="button"
            className="primary"
            onClick={() => onNext('status')}
          >
            Next: confirm processing
          </button>
        </div>
      ) : null}
      {upload.error ? <ErrorBox error={upload.error} /> : null}
    </section>
  )
}
