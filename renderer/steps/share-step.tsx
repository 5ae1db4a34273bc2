import { useCallback, useEffect, useState } from 'react'
import type { ErrorData } from '../../shared/errors'
import type { KeyState } from '../../shared/reports'
import { call, errorData } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'

type Route = 'email' | 'web' | 'copied' | 'saved'

const ROUTE_WORDS: Record<string, string> = {
  email: 'by email',
  web: 'in the SameGoal web interface',
  copied: 'copied',
  saved: 'saved as a file',
  practice: 'to the practice server',
}

/** Step 2: get the public key to SameGoal, and say what happens next. */
export function ShareStep({ district, onChanged, onNext }: StepProps) {
  const domain = district.settings.domain
  const [state, setState] = useState<KeyState | null>()
  const [again, setAgain] = useState(false)
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<string>()
  const [mailto, setMailto] = useState<string>()
  const [error, setError] = useState<ErrorData>()

  const reload = useCallback(
    () => call('keys:state', { domain }).then(setState, () => setState(null)),
    [domain],
  )
  useEffect(() => void reload(), [reload])

  const act = async (work: () => Promise<string | undefined>) => {
    setBusy(true)
    setError(undefined)
    try {
      // The note and the new state appear together, never one before the other.
      const text = await work()
      await reload()
      setNote(text)
      setAgain(false)
      void onChanged()
    } catch (caught) {
      setError(errorData(caught))
    } finally {
      setBusy(false)
    }
  }

  const record = (route: Route, installed = false) =>
    call('keys:record-shared', { domain, route, installed })

  const key = state?.toShare
  if (state === undefined) return <p className="muted">Loading…</p>
  if (!key) {
    return (
      <section className="panel" aria-labelledby="share-title">
        <h3 id="share-title">Step 2: Share the key</h3>
        <p>Generate or import a keypair first (step 1).</p>
        <button type="button" onClick={() => onNext('key')}>
          Back to step 1
        </button>
      </section>
    )
  }

  const shared =
    state?.shared &&
    (!state.shared.sha256 || state.shared.sha256 === key.sha256)
      ? state.shared
      : undefined

  const copy = () =>
    act(async () => {
      await call('keys:copy-public', { domain })
      return 'Copied to the clipboard. Paste it into SameGoal or an email.'
    })
  const save = () =>
    act(async () => {
      downloadText(`${domain}.pub`, `${key.publicKey}\n`)
      await record('saved')
      return `Saved ${domain}.pub (see your downloads). Attach it to an email to SameGoal.`
    })
  const email = (via: 'eml' | 'mailto') =>
    act(async () => {
      const draft = await call('keys:email', { domain, via })
      setMailto(draft.mailto)
      if (draft.opened)
        return 'The email draft is open in your mail client. Check it and send it from a work address.'
      return via === 'eml'
        ? `The draft was saved as ${draft.file}, but no mail program opened it. Open that file, or use the mailto: link below.`
        : 'No mail program answered the mailto: link. Copy the key and email it yourself.'
    })

  return (
    <section className="panel" aria-labelledby="share-title">
      <h3 id="share-title">Step 2: Share the key</h3>
      {state?.pending ? (
        <p className="notice">
          This is the district&rsquo;s new key. The key in use keeps working
          until SameGoal has installed this one and it has logged in once.
        </p>
      ) : null}
      <label className="block">
        Public key
        <textarea className="mono" readOnly rows={4} value={key.publicKey} />
      </label>
      <dl className="key-facts">
        <dt>SHA256 fingerprint</dt>
        <dd className="mono">{key.sha256}</dd>
        <dt>MD5 fingerprint</dt>
        <dd className="mono">{key.md5}</dd>
      </dl>

      {shared && !again ? (
        <SharedState
          shared={shared}
          busy={busy}
          onInstalled={() =>
            act(async () => {
              await record('web', true)
              return 'Noted: SameGoal has installed the key.'
            })
          }
          onAgain={() => setAgain(true)}
          onNext={() => onNext('connect')}
        />
      ) : (
        <>
          <p>
            A district admin can add the key in SameGoal, or email the{' '}
            <code>{domain}.pub</code> file to tier2help@samegoal.com from a work
            address, naming the district. A new key can take up to 60 minutes to
            start working.
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void email('eml')}
            >
              Email to SameGoal
            </button>
            <button type="button" disabled={busy} onClick={() => void copy()}>
              Copy public key
            </button>
            <button type="button" disabled={busy} onClick={() => void save()}>
              Save {domain}.pub
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  await record('web')
                  return undefined
                })
              }
            >
              A district admin added it in SameGoal
            </button>
          </div>
        </>
      )}
      {note ? (
        <p role="status" className="notice notice-ok">
          {note}
        </p>
      ) : null}
      {mailto ? (
        <p className="small">
          <button
            type="button"
            className="link"
            disabled={busy}
            onClick={() => void email('mailto')}
          >
            Open a mailto: email with the key in the text instead
          </button>
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  )
}

function SharedState(props: {
  shared: NonNullable<KeyState['shared']>
  busy: boolean
  onInstalled: () => void
  onAgain: () => void
  onNext: () => void
}) {
  const at = new Date(props.shared.at)
  const route = ROUTE_WORDS[props.shared.route] ?? props.shared.route

  return (
    <div className="notice notice-ok" role="status" data-testid="key-shared">
      {props.shared.installedAt ? (
        <p>
          SameGoal installed this key (
          {new Date(props.shared.installedAt).toLocaleString()}). Test the
          connection next.
        </p>
      ) : (
        <p>
          Sent on {at.toLocaleString()} ({route}), usually active within 60
          minutes (about{' '}
          {new Date(at.getTime() + 3_600_000).toLocaleTimeString()}).
        </p>
      )}
      <div className="actions">
        {props.shared.installedAt ? null : (
          <button
            type="button"
            disabled={props.busy}
            onClick={props.onInstalled}
          >
            It&rsquo;s installed
          </button>
        )}
        <button type="button" disabled={props.busy} onClick={props.onAgain}>
          Send again
        </button>
        <button type="button" className="primary" onClick={props.onNext}>
          Next: test the connection
        </button>
      </div>
    </div>
  )
}

function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
