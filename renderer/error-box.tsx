import type { ErrorData } from '../shared/errors'

/** A failure in plain words: what happened, what to do, and the raw cause folded away. */
export function ErrorBox({ error }: { readonly error: ErrorData }) {
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      <strong>{error.title}</strong>
      <p>{error.message}</p>
      <p className="what-to-do">{error.whatToDo}</p>
      {error.details ? (
        <details>
          <summary>Details</summary>
          <pre>{error.details}</pre>
        </details>
      ) : null}
    </div>
  )
}
