import { useCallback, useEffect, useRef } from 'react'
import type { EpochState, EpochStatus } from '../../shared/reports'
import { call } from '../api'
import { RunErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'

const STATE_TEXT: Record<EpochState, string> = {
  pending: 'Waiting for SameGoal',
  processed: 'Processed',
  failed: 'Failed',
  'processed-with-problems': 'Processed with problems',
  missing: 'Missing',
  stuck: 'Stuck at SameGoal',
}

// A fresh upload is followed every 10 s for up to an hour; after that the
// technician checks again when they like.
const FOLLOW_MS = 10_000
const FOLLOW_FOR_MS = 60 * 60_000

/** Step 5: what SameGoal made of the latest uploads, followed while waiting. */
export function StatusStep({ district, onNext }: StepProps) {
  const domain = district.settings.domain
  const status = useAction(
    useCallback(() => call('status:read', { domain }), [domain]),
  )
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  // Check once when the step opens for a district; later checks are asked for.
  useEffect(() => {
    void status.run()
  }, [domain])

  // Follow a recent upload from pending to processed or failed by itself.
  const latest = status.result?.latest
  useEffect(() => {
    clearTimeout(timer.current)
    if (!latest || latest.state !== 'pending' || status.busy) return

    const age = Date.now() - new Date(latest.uploadedAt ?? 0).getTime()
    if (age > FOLLOW_FOR_MS) return
    timer.current = setTimeout(() => void status.run(), FOLLOW_MS)
    return () => clearTimeout(timer.current)
  }, [latest, status.busy])

  const report = status.result
  return (
    <section className="panel" aria-labelledby="status-title">
      <h3 id="status-title">Step 5: Confirm processing</h3>
      <p>
        SameGoal moves each processed upload to /upload-processed and adds
        students.csv and guardians.csv.
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => void status.run()}
        disabled={status.busy}
      >
        {status.busy ? 'Checking…' : 'Check now'}
      </button>
      {status.error ? (
        <RunErrorBox
          error={status.error}
          onOpenStep3={() => onNext('connect')}
        />
      ) : null}
      {report && report.epochs.length === 0 ? (
        <p>No uploads yet. Run one in step 4.</p>
      ) : null}
      {latest ? <LatestVerdict epoch={latest} /> : null}
      {report && report.epochs.length > 0 ? (
        <EpochTable epochs={report.epochs} />
      ) : null}
      {report?.leftovers?.map((left) => (
        <p key={left.epoch} className="notice">
          Epoch {left.epoch} in /upload has no COMPLETE marker and is{' '}
          {Math.round(left.ageHours)} hours old: a run stopped before it
          finished. SameGoal will not process it.
        </p>
      ))}
      {report?.foreignCount ? (
        <p className="small">
          {report.foreignCount} other epoch(s) in this account were not uploaded
          from this computer, latest {report.foreign?.[0]?.epoch}. They are
          shown here only, never counted as this district&apos;s runs.
        </p>
      ) : null}
    </section>
  )
}

function LatestVerdict({ epoch }: { readonly epoch: EpochStatus }) {
  const counts = countWords(epoch)
  const error = epoch.errorFiles[0]
  const words: Record<EpochState, string> = {
    processed: `SameGoal processed the latest upload (${epoch.epoch}).`,
    'processed-with-problems': `SameGoal processed the latest upload (${epoch.epoch}) but reported problems.`,
    failed: `SameGoal could not process the latest upload (${epoch.epoch}).`,
    pending: `The latest upload (${epoch.epoch || 'direct'}) is waiting for SameGoal. This page checks again by itself.`,
    stuck: `The latest upload has waited ${epoch.pendingHours ?? '?'} hours, far longer than usual. Contact SameGoal support.`,
    missing: `The latest upload (${epoch.epoch}) is in neither /upload nor /upload-processed.`,
  }
  const ok = epoch.state === 'processed'

  return (
    <div
      className={`notice ${ok ? 'notice-ok' : epoch.state === 'pending' ? '' : 'notice-error'}`}
      role="status"
      data-testid="latest-verdict"
    >
      <strong>{words[epoch.state]}</strong>
      {counts ? <p>{counts}</p> : null}
      {error ? (
        <p>
          SameGoal&apos;s message in {error.name}:{' '}
          {error.firstLines[0] ?? '(empty)'}
        </p>
      ) : null}
    </div>
  )
}

function EpochTable({ epochs }: { readonly epochs: readonly EpochStatus[] }) {
  return (
    <table className="epochs">
      <caption className="visually-hidden">
        Recent uploads and their processing state
      </caption>
      <thead>
        <tr>
          <th scope="col">Epoch</th>
          <th scope="col">Uploaded</th>
          <th scope="col">State</th>
          <th scope="col">Where</th>
          <th scope="col">Records and rows</th>
        </tr>
      </thead>
      <tbody>
        {epochs.map((e, i) => (
          <tr key={`${e.epoch}-${i}`} className={`state-${e.state}`}>
            <td className="mono">{e.epoch || '(direct, no epoch yet)'}</td>
            <td className="small">
              {e.uploadedAt ? new Date(e.uploadedAt).toLocaleString() : '-'}
            </td>
            <td>
              <span className={`badge badge-${e.state}`}>
                {STATE_TEXT[e.state]}
              </span>
              {e.errorFiles.map((f) => (
                <pre key={f.name} className="error-text">
                  {f.name}: {f.firstLines.join('\n')}
                </pre>
              ))}
            </td>
            <td>{e.location ?? '-'}</td>
            <td className="small">{countWords(e) || e.files.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function countWords(e: EpochStatus): string {
  const parts = [
    e.exportRecords !== undefined ? `${e.exportRecords} records sent` : '',
    e.rows?.students !== undefined ? `${e.rows.students} students` : '',
    e.rows?.guardians !== undefined ? `${e.rows.guardians} guardians` : '',
  ]
  return parts.filter(Boolean).join(', ')
}
