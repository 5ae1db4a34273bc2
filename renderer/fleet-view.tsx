import { useCallback, useEffect, useState, type FormEvent } from 'react'
import {
  FLEET_STATES,
  type FleetRow,
  type FleetState,
} from '../shared/status-reports'
import { call } from './api'
import { ErrorBox } from './error-box'
import { useAction } from './use-action'
import { PracticeBadge } from './practice'

const STATE_TEXT: Record<FleetState, string> = {
  unreachable: 'Could not check',
  failed: 'Failed',
  stuck: 'Stuck at SameGoal',
  stale: 'Stale',
  problems: 'Processed with problems',
  pending: 'Waiting for SameGoal',
  ok: 'Processed',
  new: 'Not uploading yet',
}

type SortKey = 'state' | 'name' | 'age'

interface Props {
  readonly onSelect: (domain: string) => void
  readonly onAdded: (domain: string) => Promise<void>
}

/**
 * The home screen: every district of this home in one table, worst first.
 * Recorded facts show at once; then each server is checked, and a failed
 * or stale district also raises a desktop notification.
 */
export function FleetView({ onSelect, onAdded }: Props) {
  const [filter, setFilter] = useState<FleetState | 'all'>('all')
  const [sort, setSort] = useState<SortKey>('state')
  const [copyFrom, setCopyFrom] = useState<FleetRow>()
  const recorded = useAction(
    useCallback(() => call('fleet:read', { probe: false }), []),
  )
  const checked = useAction(
    useCallback(() => call('fleet:read', { probe: true }), []),
  )

  useEffect(() => {
    void recorded.run().then(() => checked.run())
  }, [])

  const report = checked.result ?? recorded.result
  const rows = sortRows(
    (report?.districts ?? []).filter(
      (row) => filter === 'all' || row.state === filter,
    ),
    sort,
  )

  return (
    <section className="panel fleet" aria-labelledby="fleet-title">
      <h2 id="fleet-title">All districts</h2>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => void checked.run()}
          disabled={checked.busy}
        >
          {checked.busy ? 'Checking every district…' : 'Check all now'}
        </button>
        <label>
          Show{' '}
          <select
            value={filter}
            onChange={(e) => setFilter(e.target.value as FleetState | 'all')}
          >
            <option value="all">all states</option>
            {FLEET_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_TEXT[s]} ({report?.counts[s] ?? 0})
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by{' '}
          <select
            value={sort}
            onChange={(e) => setSort(e.target.value as SortKey)}
          >
            <option value="state">state, worst first</option>
            <option value="name">name</option>
            <option value="age">oldest processed first</option>
          </select>
        </label>
      </div>
      {report ? (
        <p className="muted" role="status">
          {report.probed ? 'Checked' : 'Recorded facts from'}{' '}
          {new Date(report.checkedAt).toLocaleString()}. Stale means no
          processed upload for {report.staleAfterHours} hours.
        </p>
      ) : null}
      {recorded.error ? <ErrorBox error={recorded.error} /> : null}
      {checked.error ? <ErrorBox error={checked.error} /> : null}
      {report && report.districts.length === 0 ? (
        <p>No districts yet. Add one on the left.</p>
      ) : null}
      {rows.length > 0 ? (
        <FleetTable rows={rows} onSelect={onSelect} onCopy={setCopyFrom} />
      ) : null}
      {copyFrom ? (
        <AddLike
          model={copyFrom}
          onDone={async (domain) => {
            setCopyFrom(undefined)
            await onAdded(domain)
          }}
        />
      ) : null}
    </section>
  )
}

function FleetTable({
  rows,
  onSelect,
  onCopy,
}: {
  readonly rows: readonly FleetRow[]
  readonly onSelect: (domain: string) => void
  readonly onCopy: (row: FleetRow) => void
}) {
  return (
    <div className="table-scroll">
      <table className="epochs" data-testid="fleet-table">
        <caption className="visually-hidden">
          Every district and its state
        </caption>
        <thead>
          <tr>
            <th scope="col">District</th>
            <th scope="col">State</th>
            <th scope="col">Last run</th>
            <th scope="col">Last processed</th>
            <th scope="col">Next run</th>
            <th scope="col">Key and connection</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.domain} data-state={row.state}>
              <td>
                <strong>{row.name}</strong> <PracticeBadge settings={row} />
                <div className="small mono">{row.domain}</div>
              </td>
              <td>
                <span className={`badge fleet-${row.state}`}>
                  {STATE_TEXT[row.state]}
                </span>
                {row.message ? (
                  <div className="small">{row.message}</div>
                ) : null}
              </td>
              <td className="small">
                {row.lastRun
                  ? `${new Date(row.lastRun.at).toLocaleString()}: ${row.lastRun.result}`
                  : 'never'}
              </td>
              <td className="small">
                {row.lastProcessed
                  ? `${row.lastProcessed.epoch} (${ageText(row.lastProcessed.ageHours)})`
                  : 'nothing yet'}
              </td>
              <td className="small">
                {row.nextRun
                  ? new Date(row.nextRun).toLocaleString()
                  : 'not scheduled'}
              </td>
              <td className="small">
                <div className="mono">{row.keyFingerprint ?? 'no key yet'}</div>
                {row.connection
                  ? row.connection.ok
                    ? `connected ${new Date(row.connection.at).toLocaleString()}`
                    : `failed ${new Date(row.connection.at).toLocaleString()}: ${row.connection.code}`
                  : 'not checked yet'}
              </td>
              <td className="row-actions">
                <button type="button" onClick={() => onSelect(row.domain)}>
                  Open
                </button>
                {row.practice ? null : (
                  <button type="button" onClick={() => onCopy(row)}>
                    Add district like this one
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** The next district from a copy: only the new identity is asked for. */
function AddLike({
  model,
  onDone,
}: {
  readonly model: FleetRow
  readonly onDone: (domain: string) => Promise<void>
}) {
  const [domain, setDomain] = useState('')
  const [name, setName] = useState('')
  const add = useAction(
    useCallback(
      () =>
        call('districts:add-like', {
          domain,
          like: model.domain,
          fields: name.trim() ? { name: name.trim() } : {},
        }),
      [domain, name, model.domain],
    ),
    (settings) => void onDone(settings.domain),
  )
  const submit = (event: FormEvent): void => {
    event.preventDefault()
    void add.run()
  }

  return (
    <form
      className="grid-form"
      onSubmit={submit}
      aria-label="Add district like"
    >
      <h3>Add a district like {model.name}</h3>
      <p className="small">
        Copies the server, export folder, file pattern, mode, proxy and a
        staggered nightly time. The key, county-district number and name are the
        new district&apos;s own.
      </p>
      <label>
        Domain (SFTP username)
        <input
          value={domain}
          onChange={(e) => setDomain(e.target.value)}
          required
        />
      </label>
      <label>
        District name
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={add.busy}>
        {add.busy ? 'Adding…' : 'Add district'}
      </button>
      {add.error ? <ErrorBox error={add.error} /> : null}
    </form>
  )
}

function sortRows(rows: FleetRow[], by: SortKey): FleetRow[] {
  const rank = (row: FleetRow) => FLEET_STATES.indexOf(row.state)
  const age = (row: FleetRow) => row.lastProcessed?.ageHours ?? Infinity

  return [...rows].sort((a, b) => {
    if (by === 'state' && rank(a) !== rank(b)) return rank(a) - rank(b)
    if (by === 'age' && age(a) !== age(b)) return age(b) - age(a)

    return a.name.localeCompare(b.name)
  })
}

function ageText(hours: number): string {
  return hours < 48
    ? `${Math.round(hours)} h ago`
    : `${Math.round(hours / 24)} days ago`
}
