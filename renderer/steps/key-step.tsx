import { useCallback, useEffect, useState } from 'react'
import type { KeyView } from '../../shared/reports'
import { call } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'

/** Step 1: generate the district's keypair, or show the one it has. */
export function KeyStep({ district, onChanged, onNext }: StepProps) {
  const domain = district.settings.domain
  const [key, setKey] = useState<KeyView | null>()
  const [type, setType] = useState<'rsa' | 'ed25519'>('rsa')

  useEffect(() => {
    void call('keys:show', { domain }).then(setKey, () => setKey(null))
  }, [domain])

  const generate = useAction(
    useCallback(() => call('keys:generate', { domain, type }), [domain, type]),
    (view) => {
      setKey(view)
      void onChanged()
    },
  )

  return (
    <section className="panel" aria-labelledby="key-title">
      <h3 id="key-title">Step 1: Keypair</h3>
      <p>
        SameGoal accepts key logins only. The key is made and kept on this
        computer; only its public half is shared.
      </p>
      {key ? (
        <div className="key-facts" data-testid="key-facts">
          <dl>
            <dt>Type</dt>
            <dd>{key.type === 'rsa' ? `RSA ${key.bits}-bit` : 'Ed25519'}</dd>
            <dt>SHA256 fingerprint</dt>
            <dd className="mono">{key.sha256}</dd>
            <dt>MD5 fingerprint</dt>
            <dd className="mono">{key.md5}</dd>
            <dt>Private key file</dt>
            <dd className="mono">{key.privateKeyFile}</dd>
          </dl>
          <button
            type="button"
            className="primary"
            onClick={() => onNext('share')}
          >
            Next: share the key
          </button>
        </div>
      ) : key === null ? (
        <fieldset className="choice">
          <legend>Key type</legend>
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
          <button
            type="button"
            className="primary"
            onClick={() => void generate.run()}
            disabled={generate.busy}
          >
            {generate.busy ? 'Generating… (a few seconds)' : 'Generate keypair'}
          </button>
        </fieldset>
      ) : (
        <p className="muted">Loading…</p>
      )}
      {generate.busy ? <progress aria-label="Generating the keypair" /> : null}
      {generate.error ? <ErrorBox error={generate.error} /> : null}
    </section>
  )
}
