import { useCallback, useEffect } from 'react'
import type { DistrictView } from '../../shared/reports'
import type { ScheduleView } from '../../shared/schedule'
import { call } from '../api'
import { ErrorBox } from '../error-box'
import { useAction } from '../use-action'

/**
 * The schedule part of step 4: whether the OS scheduler has the nightly
 * run, when it runs next, how it ended last time, and a run started
 * exactly as the scheduler would start it.
 */
export function NightlySchedule({
  district,
}: {
  readonly district: DistrictView
}) {
  const { domain, at, exportDir, updatedAt } = district.settings
  const show = useAction(
    useCallback(() => call('schedule:show', { domain }), [domain]),
  )
  const refresh = useCallback(() => void show.run(), [show.run])
  const install = useAction(
    useCallback(() => call('schedule:install', { domain }), [domain]),
    refresh,
  )
  const remove = useAction(
    useCallback(() => call('schedule:remove', { domain }), [domain]),
    refresh,
  )
  const runNow = useAction(
    useCallback(() => call('schedule:run-now', { domain }), [domain]),
    refresh,
  )

  // Read again whenever the district's settings change (its time, or the
  // export folder its warnings speak of).
  useEffect(refresh, [domain, at, exportDir, updatedAt])

  const view = show.result ?? install.result
  const busy = install.busy || remove.busy || runNow.busy
  const encrypted =
    (district.settings.key as { encrypted?: boolean } | undefined)
      ?.encrypted === true

  return (
    <section
      className="nightly-schedule"
      aria-labelledby="nightly-schedule-title"
    >
      <h4 id="nightly-schedule-title">Nightly schedule</h4>
      {view ? <ScheduleFacts view={view} /> : <p>Reading the schedule…</p>}
      {encrypted ? (
        <p className="notice notice-error" role="alert">
          This district&rsquo;s key is protected by a passphrase, so a nightly
          run nobody attends cannot use it. Generate a key without a passphrase
          before scheduling.
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => void install.run()}
          disabled={busy || encrypted}
        >
          {installLabel(view)}
        </button>
        {view?.installed ? (
          <button
            type="button"
            onClick={() => void remove.run()}
            disabled={busy}
          >
            Remove schedule
          </button>
        ) : null}
        <button type="button" onClick={() => void runNow.run()} disabled={busy}>
          {runNow.busy ? 'Running…' : 'Run now as the scheduler would'}
        </button>
      </div>
      {runNow.result ? (
        <div
          className={`notice ${runNow.result.exitCode === 0 ? 'notice-ok' : 'notice-error'}`}
          role="status"
          data-testid="scheduled-run-result"
        >
          <strong>
            {runNow.result.exitCode === 0
              ? 'The scheduled command ran and finished successfully.'
              : `The scheduled command failed with exit code ${runNow.result.exitCode}.`}
          </strong>
          {runNow.result.failure ? (
            <>
              <p>{runNow.result.failure.message}</p>
              <p>{runNow.result.failure.whatToDo}</p>
            </>
          ) : null}
          <pre>{runNow.result.output}</pre>
        </div>
      ) : null}
      {[show.error, install.error, remove.error, runNow.error].map(
        (error, i) => (error ? <ErrorBox key={i} error={error} /> : null),
      )}
    </section>
  )
}

function ScheduleFacts({ view }: { readonly view: ScheduleView }) {
  return (
    <>
      <dl className="facts" data-testid="schedule-facts">
        <dt>Registered</dt>
        <dd>{view.installed ? `Yes (${view.backend}: ${view.name})` : 'No'}</dd>
        <dt>Runs every night at</dt>
        <dd>{view.at}</dd>
        {view.state ? (
          <>
            <dt>State</dt>
            <dd>{view.state}</dd>
          </>
        ) : null}
        <dt>Next run</dt>
        <dd>{view.nextRunAt ? when(view.nextRunAt) : 'not scheduled'}</dd>
        <dt>Last run</dt>
        <dd>{view.lastRunAt ? when(view.lastRunAt) : 'never'}</dd>
        {view.lastResult ? (
          <>
            <dt>Last result</dt>
            <dd>{view.lastResult}</dd>
          </>
        ) : null}
      </dl>
      {view.warnings.length > 0 ? (
        <ul className="notice" aria-label="Schedule warnings">
          {view.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </>
  )
}

function installLabel(view: ScheduleView | undefined): string {
  if (!view?.installed) return 'Install nightly schedule'

  return view.needsRepair ? 'Repair schedule' : 'Install again'
}

// Task Scheduler reports its own local text; ISO times are shown locally.
function when(value: string): string {
  const date = new Date(value)
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(date.getTime())
    ? date.toLocaleString()
    : value
}
