import { useCallback, useEffect, useState } from 'react'
import type { KeyState, KeyView } from '../../shared/reports'
import { call } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'
import { KeyImportForm } from './key-import-form'

/** Step 1: generate or import the district's keypair, or show the one it has. */
export function KeyStep({ district, onChanged, onNext }: StepProps) {
  const domain = district.settings.domain
  const [state, setState] = useState<KeyState | null>()
  const [type, setType] = useState<'rsa' | 'ed25519'>('rsa')
  const [protect, setProtect] = useState(false)
  const [passphrase, setPassphrase] = useState('')

  const reload = useCallback(
    () => call('keys:state', { domain }).then(setState, () => setState(null)),
    [domain],
  )
  useEffect(() => void reload(), [reload])

  const done = useCallback(
    (_view: KeyView) => {
      setPassphrase('')
      setProtect(false)
      void reload()
      void onChanged()
    },
    [reload, onChanged],
  )
  const generate = useAction(
    useCallback(
      () =>
        call('keys:generate', {
          domain,
          type,
          ...(protect && passphrase ? { passphrase } : {}),
        }),
      [domain, type, protect, passphrase],
    ),
    done,
  )

  if (state === undefined) return <p className="muted">Loading…</p>
  const hasKey = Boolean(state?.current)

  const chooser = (
    <>
      <fieldset className="choice">
        <legend>Generate a new keypair</legend>
        <label>
          <input
            type="radio"
            name="key-type"
            checked={type === 'rsa'}
            onChange={() => setType('rsa')}
          />
          RSA 4096 (recommended, accepted everywhere)
        </label>
        <label>
          <input
            type="radio"
            name="key-type"
            checked={type === 'ed25519'}
            onChange={() => setType('ed25519')}
          />
          Ed25519 (shorter, modern)
        </label>
        <label>
          <input
            type="checkbox"
            checked={protect}
            onChange={(event) => setProtect(event.target.checked)}
          />
          Protect the key with a passphrase (the nightly run cannot use such a
          key)
        </label>
        {protect ? (
          <label className="block">
            New key passphrase
            <input
              type="password"
              autoComplete="new-password"
              value={passphrase}
              onChange={(event) => setPassphrase(event.target.value)}
            />
          </label>
        ) : null}
        <button
          type="button"
          className="primary"
          onClick={() => void generate.run()}
          disabled={generate.busy || (protect && passphrase === '')}
        >
          {generate.busy ? 'Generating… (a few seconds)' : 'Generate keypair'}
        </button>
        {generate.busy ? (
          <progress aria-label="Generating the keypair" />
        ) : null}
        {generate.error ? <ErrorBox error={generate.error} /> : null}
      </fieldset>
      <KeyImportForm domain={domain} onImported={done} />
    </>
  )

  return (
    <section className="panel" aria-labelledby="key-title">
      <h3 id="key-title">Step 1: Keypair</h3>
      <p>
        SameGoal accepts key logins only. The key is made and kept on this
        computer; only its public half is shared.
      </p>
      {state?.current ? (
        <KeyFacts view={state.current} title="Key in use" />
      ) : null}
      {state?.pending ? (
        <>
          <KeyFacts view={state.pending} title="New key, waiting" />
          <p className="notice">
            The key in use keeps working until this new key has logged in once;
            then the new key takes over by itself.
          </p>
        </>
      ) : null}
      {!state?.usableUnattended && hasKey ? (
        <p className="notice notice-error" role="status">
          This key has a passphrase, so the nightly run cannot use it.
        </p>
      ) : null}
      {hasKey ? (
        <>
          <button
            type="button"
            className="primary"
            onClick={() => onNext('share')}
          >
            Next: share the key
          </button>
          <details className="change-key">
            <summary>Use a different key</summary>
            {chooser}
          </details>
        </>
      ) : (
        chooser
      )}
    </section>
  )
}

function KeyFacts({ view, title }: { view: KeyView; title: string }) {
  const origin =
    view.source === 'imported'
      ? `imported (${view.importedFrom ?? 'key file'})`
      : 'generated here'

  return (
    <div className="key-facts" data-testid={`key-facts-${view.role}`}>
      <h4>{title}</h4>
      <dl>
        <dt>Type</dt>
        <dd>{view.type === 'rsa' ? `RSA ${view.bits}-bit` : 'Ed25519'}</dd>
        <dt>SHA256 fingerprint</dt>
        <dd className="mono">{view.sha256}</dd>
        <dt>MD5 fingerprint</dt>
        <dd className="mono">{view.md5}</dd>
        <dt>Comment</dt>
        <dd>{view.comment || 'none'}</dd>
        <dt>Origin</dt>
        <dd>{origin}</dd>
        <dt>Private key file</dt>
        <dd className="mono">{view.privateKeyFile}</dd>
      </dl>
    </div>
  )
}
