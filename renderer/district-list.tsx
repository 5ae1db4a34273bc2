import { useState, type FormEvent } from 'react'
import type { DistrictView } from '../shared/reports'
import { call } from './api'
import { ErrorBox } from './error-box'
import { PracticeBadge } from './practice'
import { useAction } from './use-action'

interface Props {
  readonly districts: readonly DistrictView[]
  readonly selected: string | undefined
  readonly onSelect: (domain: string) => void
  readonly onAdded: (domain: string) => Promise<void>
}

/** Every district of this home, and the form to add the next one. */
export function DistrictList({
  districts,
  selected,
  onSelect,
  onAdded,
}: Props) {
  const [domain, setDomain] = useState('')
  const [name, setName] = useState('')
  const add = useAction(
    () =>
      call('districts:add', { domain, fields: name.trim() ? { name } : {} }),
    (settings) => {
      setDomain('')
      setName('')
      void onAdded(settings.domain)
    },
  )
  const submit = (event: FormEvent): void => {
    event.preventDefault()
    void add.run()
  }

  return (
    <div className="district-list">
      <ul>
        {districts.map(({ settings, lastRun }) => (
          <li key={settings.domain}>
            <button
              type="button"
              className={
                settings.domain === selected
                  ? 'district district-selected'
                  : 'district'
              }
              aria-pressed={settings.domain === selected}
              onClick={() => onSelect(settings.domain)}
            >
              <span className="district-name">
                {settings.name} <PracticeBadge settings={settings} />
              </span>
              <span className="district-meta">
                {settings.domain} ·{' '}
                {lastRun ? `last run ${lastRun.result}` : 'no runs yet'}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <form
        className="add-district"
        onSubmit={submit}
        aria-label="Add a district"
      >
        <h2>Add a district</h2>
        <label>
          Domain (SFTP username)
          <input
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
            placeholder="fooisd.org"
            required
          />
        </label>
        <label>
          District name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Foo ISD"
          />
        </label>
        <button type="submit" className="primary" disabled={add.busy}>
          {add.busy ? 'Adding…' : 'Add district'}
        </button>
        {add.error ? <ErrorBox error={add.error} /> : null}
      </form>
    </div>
  )
}
