import { CHECK_PHASES } from '../../shared/check-phases'
import type { ErrorData } from '../../shared/errors'
import type { CheckPhase, KeyWaitTick, ServerKey } from '../../shared/reports'

/** Pieces of step 3: the progress list, the trust prompt, the countdown. */

/** The step-by-step list: each phase waiting, done, or failed with its reason. */
export function PhaseList(props: {
  readonly reached: readonly CheckPhase[]
  readonly error?: ErrorData
  /** A test is under way: the phase reached last is not done yet. */
  readonly running?: boolean
}) {
  const last = props.reached[props.reached.length - 1]
  const failedAt = props.error
    ? ((props.error.extra?.['failedPhase'] as CheckPhase | undefined) ?? last)
    : undefined
  const current = props.running && !props.error ? last : undefined

  return (
    <ol className="phases" aria-label="Connection test progress">
      {CHECK_PHASES.map((p) => {
        const done =
          props.reached.includes(p.id) && p.id !== failedAt && p.id !== current
        const state =
          p.id === failedAt
            ? 'failed'
            : p.id === current
              ? 'in progress'
              : done
                ? 'done'
                : 'waiting'
        return (
          <li
            key={p.id}
            className={`phase phase-${state.replace(' ', '-')}`}
            data-phase={p.id}
          >
            <span aria-hidden="true">
              {state === 'done'
                ? '✓'
                : state === 'failed'
                  ? '✕'
                  : state === 'in progress'
                    ? '…'
                    : '○'}
            </span>{' '}
            {p.label}
            {state === 'failed' && props.error ? (
              <span className="error-text">: {props.error.title}</span>
            ) : null}
            <span className="visually-hidden"> ({state})</span>
          </li>
        )
      })}
    </ol>
  )
}

/** Asks the technician to confirm a new or changed host key with SameGoal. */
export function TrustPrompt(props: {
  readonly error: ErrorData
  readonly trusted?: string
  readonly onTrust: (sha256: string) => void
}) {
  const offered = props.error.extra?.['serverKey'] as ServerKey | undefined
  const pinned = props.error.extra?.['pinnedKey'] as ServerKey | undefined
  if (!offered) return null

  const changed = props.error.code === 'HOST_KEY_CHANGED'
  const isTrusted = props.trusted === offered.sha256
  return (
    <div className="trust" data-testid="trust-prompt">
      {changed && pinned ? (
        <>
          <p>
            <strong>The server&apos;s identity changed.</strong> Nothing was
            sent. The key you trusted before:
          </p>
          <p className="mono small">
            {pinned.type} {pinned.sha256} ({pinned.md5})
          </p>
          <p>The key it shows now:</p>
        </>
      ) : (
        <p>
          First contact: the server shows this {offered.type} key. Confirm it
          with SameGoal (by phone) before you trust it.
        </p>
      )}
      <p className="mono">{offered.sha256}</p>
      <p className="mono small">{offered.md5}</p>
      <button
        type="button"
        onClick={() => props.onTrust(offered.sha256)}
        disabled={isTrusted}
      >
        {isTrusted
          ? 'Trusted for the next test'
          : changed
            ? 'SameGoal confirmed the change: trust this key'
            : 'I confirmed it: trust this key'}
      </button>
      {isTrusted ? <p>Now press “Test connection” again.</p> : null}
    </div>
  )
}

/** The ranked causes of a refused key. */
export function LikelyCauses({ error }: { readonly error: ErrorData }) {
  const causes = (error.extra?.['likelyCauses'] ?? []) as { text: string }[]
  if (causes.length === 0) return null

  return (
    <div className="check-results">
      <p>Most likely, in this order:</p>
      <ol>
        {causes.map((c) => (
          <li key={c.text}>{c.text}</li>
        ))}
      </ol>
    </div>
  )
}

/** The key-sync wait: next attempt and the end of the window, each second. */
export function KeyWaitCountdown(props: {
  readonly tick?: KeyWaitTick
  readonly onStop: () => void
}) {
  const tick = props.tick
  const left = tick ? clock(tick.secondsLeft) : '…'

  return (
    <div className="notice" role="status" data-testid="key-wait">
      <strong>Waiting for SameGoal to install the key</strong>
      <p>
        {tick
          ? `Attempt ${tick.attempt} was refused. Next try in ${tick.secondsToNext} s.`
          : 'Trying now…'}
      </p>
      <p className="small">
        Giving up in {left}. You will get a notification when it works.
      </p>
      <button type="button" onClick={props.onStop}>
        Stop waiting
      </button>
    </div>
  )
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  return `${m}:${String(s).padStart(2, '0')}`
}
