import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { UploadProgress } from '../../shared/reports'
import type { UploadMode } from '../../shared/settings-schema'
import { call, listen } from '../api'
import { ErrorBox, RunErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'
import { PracticeScheduleNote } from '../practice'
import { NightlySchedule } from './nightly-schedule'
import { ExportPreviewView } from './run/export-preview'
import { RunHistory } from './run/run-history'
import { RunProgress } from './run/run-progress'

/** Step 4: where the export file comes from, when the run happens, and "Run now". */
export function ScheduleStep({ district, onChanged, onNext }: StepProps) {
  const { settings } = district
  const domain = settings.domain
  const [folder, setFolder] = useState(settings.exportDir ?? '')
  const [pattern, setPattern] = useState(settings.pattern)
  const [at, setAt] = useState(settings.at)
  const [mode, setMode] = useState<UploadMode>(settings.mode)
  const [progress, setProgress] = useState<UploadProgress>()

  useEffect(
    () =>
      listen('upload:progress', (p) => p.domain === domain && setProgress(p)),
    [domain],
  )

  const preview = useAction(
    useCallback(() => call('export:preview', { domain }), [domain]),
  )
  const history = useAction(
    useCallback(() => call('history:read', { domain, limit: 20 }), [domain]),
  )
  const fields = { exportDir: folder, pattern, at, mode }
  const unsaved =
    folder !== (settings.exportDir ?? '') ||
    pattern !== settings.pattern ||
    at !== settings.at ||
    mode !== settings.mode
  const save = useAction(
    useCallback(
      () => call('districts:update', { domain, fields }),
      [domain, folder, pattern, at, mode],
    ),
    () => {
      upload.reset()
      setProgress(undefined)
      void onChanged()
      void preview.run()
    },
  )
  // What is on screen is what is sent: unsaved changes are saved first.
  const upload = useAction(
    useCallback(async () => {
      setProgress(undefined)
      try {
        if (unsaved) await call('districts:update', { domain, fields })
        return await call('upload:run', { domain })
      } finally {
        // The sidebar and history show failed runs too.
        void onChanged()
      }
    }, [domain, unsaved, folder, pattern, at, mode]),
  )
  const cancel = useAction(
    useCallback(() => call('upload:cancel', { domain }), [domain]),
  )

  useEffect(() => {
    if (settings.exportDir) void preview.run()
    void history.run()
    // Only on first show (per district); later previews follow a save.
  }, [domain])
  useEffect(() => {
    if (!upload.busy) void history.run()
  }, [upload.busy])

  const submit = (event: FormEvent): void => {
    event.preventDefault()
    void save.run()
  }

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
        <ModeChoice mode={mode} onChange={setMode} />
        <button type="submit" disabled={save.busy}>
          Save
        </button>
      </form>
      {save.error ? <ErrorBox error={save.error} /> : null}
      {preview.result?.file ? (
        <ExportPreviewView preview={preview.result} />
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
        {upload.busy ? (
          <button
            type="button"
            onClick={() => void cancel.run()}
            disabled={cancel.busy}
          >
            Cancel
          </button>
        ) : null}
      </div>
      {/* A finished upload keeps its full bar; a failed one shows only why. */}
      {upload.busy || (upload.result && progress) ? (
        <RunProgress progress={progress} />
      ) : null}
      {upload.result && !upload.busy ? (
        <div className="notice notice-ok" role="status">
          <strong>
            {upload.result.epoch
              ? `Uploaded into epoch ${upload.result.epoch}.`
              : `Uploaded to ${upload.result.remotePath}.`}
          </strong>
          <p>
            {upload.result.bytes} bytes ({upload.result.records ?? '?'} records)
            verified on the server
            {upload.result.epoch
              ? ', then COMPLETE written.'
              : '; SameGoal makes the epoch from it.'}
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
      {upload.error && !upload.busy ? (
        <RunErrorBox
          error={upload.error}
          onOpenStep3={() => onNext('connect')}
        />
      ) : null}

      <h4>Recent runs</h4>
      <RunHistory runs={history.result ?? []} />

      {/* The OS schedule for the nightly run. */}
      {settings.practice ? (
        <PracticeScheduleNote />
      ) : (
        <NightlySchedule district={district} />
      )}
    </section>
  )
}

function ModeChoice({
  mode,
  onChange,
}: {
  readonly mode: UploadMode
  readonly onChange: (mode: UploadMode) => void
}) {
  return (
    <fieldset className="mode-choice">
      <legend>Upload mode</legend>
      <label>
        <input
          type="radio"
          name="mode"
          checked={mode === 'epoch'}
          onChange={() => onChange('epoch')}
        />
        Epoch folder (recommended): each night gets its own folder, and SameGoal
        only starts once the file is complete.
      </label>
      <label>
        <input
          type="radio"
          name="mode"
          checked={mode === 'direct'}
          onChange={() => onChange('direct')}
        />
        Straight into /upload: the file replaces last night&apos;s. SameGoal
        documents a risk here: it may pick the file up before it is fully
        written. Use only if epoch folders cannot be made.
      </label>
    </fieldset>
  )
}
