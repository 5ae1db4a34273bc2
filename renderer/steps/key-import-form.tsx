import { useState, type DragEvent } from 'react'
import type { ErrorData } from '../../shared/errors'
import type { KeyView } from '../../shared/reports'
import { call, errorData } from '../api'
import { ErrorBox } from '../error-box'

const PASSPHRASE_CODES = ['KEY_PASSPHRASE_NEEDED', 'KEY_PASSPHRASE_INCORRECT']

/**
 * Import of a key the technician already has: a file picker, a drop zone
 * or pasted text. The text goes to the main process, which converts it and
 * keeps only the OpenSSH form; a passphrase is asked for when needed.
 */
export function KeyImportForm({
  domain,
  onImported,
}: {
  readonly domain: string
  readonly onImported: (view: KeyView) => void
}) {
  const [text, setText] = useState('')
  const [source, setSource] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [askPassphrase, setAskPassphrase] = useState(false)
  const [busy, setBusy] = useState(false)
  const [dragging, setDragging] = useState(false)
  const [error, setError] = useState<ErrorData>()

  const useText = (value: string, from: string) => {
    setText(value)
    setSource(from)
    setError(undefined)
    setAskPassphrase(false)
    setPassphrase('')
  }

  const readFile = async (file: File | undefined) => {
    if (!file) return
    if (file.size > 65536) {
      setError(tooLarge(file.name))
      return
    }
    useText(await file.text(), file.name)
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setDragging(false)
    void readFile(event.dataTransfer.files[0])
  }

  const submit = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const view = await call('keys:import', {
        domain,
        text,
        ...(askPassphrase && passphrase ? { passphrase } : {}),
      })
      useText('', '')
      onImported(view)
    } catch (caught) {
      const data = errorData(caught)
      if (PASSPHRASE_CODES.includes(data.code)) setAskPassphrase(true)
      setError(data)
    } finally {
      setBusy(false)
    }
  }

  return (
    <fieldset className="choice key-import">
      <legend>Import a key you already have</legend>
      <p className="small muted">
        OpenSSH, PEM (PKCS#1 or PKCS#8) or PuTTY .ppk. Only the private key file
        works; it stays on this computer.
      </p>
      <label className="block">
        Private key file
        <input
          type="file"
          onChange={(event) => void readFile(event.target.files?.[0])}
        />
      </label>
      <div
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
        data-testid="key-drop-zone"
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        Or drop the key file here
      </div>
      <label className="block">
        Or paste the private key
        <textarea
          className="mono"
          rows={5}
          value={source === 'pasted' || source === '' ? text : ''}
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          onChange={(event) => useText(event.target.value, 'pasted')}
        />
      </label>
      {text && source !== 'pasted' ? (
        <p className="small">Key file read: {source}</p>
      ) : null}
      {askPassphrase ? (
        <label className="block">
          Key passphrase
          <input
            type="password"
            autoComplete="off"
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') void submit()
            }}
          />
        </label>
      ) : null}
      <button
        type="button"
        onClick={() => void submit()}
        disabled={busy || text.trim() === ''}
      >
        {busy ? 'Importing…' : 'Import key'}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </fieldset>
  )
}

function tooLarge(name: string): ErrorData {
  return {
    code: 'INVALID_KEY',
    message: `The file ${name} is too large to be a key file.`,
    title: 'The key file could not be used',
    whatToDo: 'Choose the private key file itself.',
    exitCode: 2,
  }
}
