import type { ErrorData } from '../shared/errors'

interface Props {
  readonly error: ErrorData
  /**
   * Title and next step only: for when the same screen shows the facts
   * of the message itself (the host-key prompt shows both fingerprints).
   */
  readonly brief?: boolean
  /** A next step in the wizard's own words, instead of the CLI's. */
  readonly whatToDo?: string
}

/** A failure in plain words: what happened, what to do, and the raw cause folded away. */
export function ErrorBox({ error, brief = false, whatToDo }: Props) {
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      <strong>{error.title}</strong>
      {brief ? null : <p>{error.message}</p>}
      <p className="what-to-do">{whatToDo ?? error.whatToDo}</p>
      {error.details ? (
        <details>
          <summary>Details</summary>
          <pre>{error.details}</pre>
        </details>
      ) : null}
    </div>
  )
}

/**
 * A failure outside step 3 that only step 3 can settle (the server's
 * identity is not trusted yet, or changed): said in the wizard's words,
 * with the way there.
 */
export function RunErrorBox({
  error,
  onOpenStep3,
}: {
  readonly error: ErrorData
  readonly onOpenStep3: () => void
}) {
  const identity =
    error.code === 'HOST_KEY_UNTRUSTED' || error.code === 'HOST_KEY_CHANGED'
  if (!identity) return <ErrorBox error={error} />

  return (
    <>
      <ErrorBox
        error={error}
        brief
        whatToDo="Nothing was sent. Confirm the server's identity with SameGoal, then trust it in step 3 (Test the connection)."
      />
      <button type="button" onClick={onOpenStep3}>
        Go to step 3
      </button>
    </>
  )
}
