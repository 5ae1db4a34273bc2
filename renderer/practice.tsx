import { useCallback } from 'react'
import type { DistrictSettings } from '../shared/settings-schema'
import { call } from './api'
import { ErrorBox } from './error-box'
import { useAction } from './use-action'

/** The "Practice" mark shown wherever a practice district appears. */
export function PracticeBadge({
  settings,
}: {
  readonly settings: Pick<DistrictSettings, 'practice'>
}) {
  if (settings.practice !== true) return null

  return (
    <span className="badge badge-practice" title="Practice district">
      Practice
    </span>
  )
}

/** Starts the practice server and opens its sample district. */
export function PracticeStart({
  onStarted,
}: {
  readonly onStarted: (domain: string) => Promise<void>
}) {
  const start = useAction(
    useCallback(() => call('practice:start', {}), []),
    (result) => void onStarted(result.district.domain),
  )

  return (
    <section className="practice-start" aria-labelledby="practice-title">
      <h2 id="practice-title">Rehearse first</h2>
      <p className="small muted">
        Walk through all five steps against a practice server on this computer,
        with a made-up export. Nothing reaches SameGoal.
      </p>
      <button
        type="button"
        onClick={() => void start.run()}
        disabled={start.busy}
      >
        {start.busy ? 'Starting…' : 'Practice with a sample district'}
      </button>
      {start.error ? <ErrorBox error={start.error} /> : null}
    </section>
  )
}

/** Said in place of the nightly schedule: practice districts have none. */
export function PracticeScheduleNote() {
  return (
    <p className="notice">
      A practice district is never scheduled: &ldquo;Run upload now&rdquo; is
      how it rehearses the nightly run. Set up the real district to schedule its
      nightly upload.
    </p>
  )
}
