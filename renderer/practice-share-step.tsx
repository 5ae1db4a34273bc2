import { useCallback, useEffect, useState } from 'react'
import type { PracticeKeyDelivery } from '../shared/practice-reports'
import type { KeyView } from '../shared/reports'
import { call } from './api'
import { ErrorBox } from './error-box'
import type { StepProps } from './step-view'
import { useAction } from './use-action'

/**
 * Step 2 for a practice district: the key goes to the practice server on
 * this computer instead of to SameGoal, and, like a real key, only works
 * after a wait.
 */
export function PracticeShareStep({ district, onChanged, onNext }: StepProps) {
  const domain = district.settings.domain
  const [key, setKey] = useState<KeyView | null>()
  const now = useNow()

  useEffect(() => {
    void call('keys:show', { domain }).then(setKey, () => setKey(null))
  }, [domain])

  const send = useAction(
    useCallback(() => call('practice:send-key', { domain }), [domain]),
    () => void onChanged(),
  )

  if (key === undefined) return <p className="muted">Loading…</p>
  if (key === null) {
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
        For a real district the public key goes to SameGoal, and can take up to
        60 minutes to start working. This practice district sends it to the
        practice server on this computer instead, which also makes you wait a
        little before the key works.
      </p>
      <label className="block">
        Public key
        <textarea className="mono" readOnly rows={3} value={key.publicKey} />
      </label>
      <p className="mono small">{key.sha256}</p>
      <div className="actions">
        <button
          type="button"
          className={send.result ? undefined : 'primary'}
          onClick={() => void send.run()}
          disabled={send.busy}
        >
          {send.result ? 'Send again' : 'Send to the practice server'}
        </button>
        {send.result ? (
          <button
            type="button"
            className="primary"
            onClick={() => onNext('connect')}
          >
            Next: test the connection
          </button>
        ) : null}
      </div>
      {send.result ? <Delivered delivery={send.result} now={now} /> : null}
      {send.error ? <ErrorBox error={send.error} /> : null}
    </section>
  )
}

function Delivered({
  delivery,
  now,
}: {
  readonly delivery: PracticeKeyDelivery
  readonly now: number
}) {
  const usable = new Date(delivery.usableAt)
  const left = Math.ceil((usable.getTime() - now) / 1000)

  return (
    <div className="notice notice-ok" role="status">
      <strong>Sent to the practice server.</strong>
      <p>
        It accepts the key from {usable.toLocaleTimeString()}
        <span aria-hidden="true">
          {left > 0 ? ` (in about ${left} s)` : ' (now)'}
        </span>
        . Testing the connection before then shows what a key SameGoal has not
        installed yet looks like.
      </p>
    </div>
  )
}

// The current time, once a second, for the wait shown after sending.
function useNow(): number {
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  return now
}
