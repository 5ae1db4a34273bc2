import { useCallback, useState, type FormEvent } from 'react'
import type { DistrictSettings } from '../../shared/settings-schema'
import { call } from '../api'
import { ErrorBox } from '../error-box'
import { useAction } from '../use-action'

interface Props {
  readonly settings: DistrictSettings
  readonly onSaved: () => void
}

/**
 * Where step 3 connects: SameGoal's server and port, and the outbound proxy
 * an ESC network may require. Folded away, since most districts keep the
 * defaults; opened by itself when a proxy is set.
 */
export function ConnectionSettings({ settings, onSaved }: Props) {
  const [host, setHost] = useState(settings.host)
  const [port, setPort] = useState(String(settings.port))
  const [proxy, setProxy] = useState(settings.proxy ?? '')

  const save = useAction(
    useCallback(
      () =>
        call('districts:update', {
          domain: settings.domain,
          fields: { host, port, proxy },
        }),
      [settings.domain, host, port, proxy],
    ),
    onSaved,
  )
  const changed =
    host !== settings.host ||
    port !== String(settings.port) ||
    proxy !== (settings.proxy ?? '')
  const moving = host !== settings.host || port !== String(settings.port)

  const submit = (event: FormEvent): void => {
    event.preventDefault()
    void save.run()
  }

  return (
    <details className="connection-settings" open={Boolean(settings.proxy)}>
      <summary>Server and proxy</summary>
      <form
        onSubmit={submit}
        className="grid-form"
        aria-label="Server and proxy"
      >
        <label>
          Server
          <input
            value={host}
            onChange={(e) => setHost(e.target.value)}
            spellCheck={false}
            required
          />
        </label>
        <label>
          Port
          <input
            value={port}
            inputMode="numeric"
            onChange={(e) => setPort(e.target.value)}
            required
          />
        </label>
        <label>
          Proxy (leave empty to connect directly)
          <input
            value={proxy}
            onChange={(e) => setProxy(e.target.value)}
            placeholder="http://proxy.example.net:8080 or socks5://…"
            spellCheck={false}
          />
        </label>
        {moving ? (
          <p className="small">
            A new server or port forgets the trusted server identity; the next
            test asks you to confirm it again.
          </p>
        ) : null}
        <button type="submit" disabled={save.busy || !changed}>
          {save.busy ? 'Saving…' : 'Save'}
        </button>
      </form>
      {save.error ? <ErrorBox error={save.error} /> : null}
      {save.result && !changed && !save.error ? (
        <p className="small" role="status">
          Saved.
        </p>
      ) : null}
    </details>
  )
}
