import { useCallback } from 'react'
import { call } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'

/** Step 2: get the public key to SameGoal. */
export function ShareStep({ district, onNext }: StepProps) {
  const { settings } = district
  const key = settings.key
  const copy = useAction(
    useCallback(
      () => call('keys:copy-public', { domain: settings.domain }),
      [settings.domain],
    ),
  )

  if (!key) {
    return (
      <section className="panel" aria-labelledby="share-title">
        <h3 id="share-title">Step 2: Share the key</h3>
        <p>Generate a keypair first (step 1).</p>
        <button type="button" onClick={() => onNext('key')}>
          Back to step 1
        </button>
      </section>
    )
  }

  return (
    <section className="panel" aria-labelledby="share-title">
      <h3 id="share-title">Step 2: Share the key</h3>
      <p>
        Send the public key to SameGoal: a district admin can add it in
        SameGoal, or email the <code>.pub</code> file to tier2help@samegoal.com
        from a work address, naming the district. A new key can take up to 60
        minutes to start working.
      </p>
      <label className="block">
        Public key
        <textarea className="mono" readOnly rows={4} value={key.publicKey} />
      </label>
      <p className="mono small">{key.sha256}</p>
      <div className="actions">
        <button
          type="button"
          onClick={() => void copy.run()}
          disabled={copy.busy}
        >
          Copy public key
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => onNext('connect')}
        >
          Next: test the connection
        </button>
      </div>
      {copy.result ? (
        <p role="status" className="notice notice-ok">
          Copied to the clipboard.
        </p>
      ) : null}
      {copy.error ? <ErrorBox error={copy.error} /> : null}
    </section>
  )
}
