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
