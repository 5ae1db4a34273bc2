import { useCallback, useEffect, useState } from 'react'
import type { CheckPhase, CheckReport, ServerKey } from '../../shared/reports'
import { call, listen } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'

const PHASES: readonly { id: CheckPhase; label: string }[] = [
  { id: 'resolve', label: 'Look up the server name' },
  { id: 'connect', label: 'Connect' },
  { id: 'greet', label: 'Server answers' },
  { id: 'verify-host', label: 'Check the server\u2019s identity' },
  { id: 'authenticate', label: 'Log in with the key' },
  { id: 'open-sftp', label: 'Open SFTP' },
  { id: 'list-folders', label: 'Read /upload and /upload-processed' },
]

/** Step 3: the read-only connection test, with the host-key trust prompt. */
export function ConnectStep({ district, onChanged, onNext }: StepProps) {
  const domain = district.settings.domain
  const [reached, setReached] = useState<CheckPhase[]>([])
  const [trust, setTrust] = useState<string>()

  useEffect(
    () =>
      listen(
        'connection:phase',
        (e) => e.domain === domain && setReached((r) => [...r, e.phase]),
      ),
    [domain],
  )

  const check = useAction<CheckReport>(
    useCallback(() => {
      setReached([])
      return call('connection:check', {
        domain,
        ...(trust ? { trustFingerprint: trust } : {}),
      })
    }, [domain, trust]),
    () => void onChanged(),
  )
  const offered = check.error?.extra?.['serverKey'] as ServerKey | undefined
  const failedAt = check.error ? reached[reached.length - 1] : undefined

  return (
    <section className="panel" aria-labelledby="connect-title">
      <h3 id="connect-title">Step 3: Test the connection</h3>
      <p>
        Connects to {district.settings.host} port {district.settings.port} as{' '}
        <strong>{domain}</strong> and only reads; nothing is written to the
        account.
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => void check.run()}
        disabled={check.busy}
      >
        {check.busy ? 'Testing…' : 'Test connection'}
      </button>
      <ol className="phases" aria-label="Connection test progress">
        {PHASES.map((p) => {
          const done = reached.includes(p.id) && p.id !== failedAt
          const state = p.id === failedAt ? 'failed' : done ? 'done' : 'waiting'
          return (
            <li key={p.id} className={`phase phase-${state}`}>
              <span aria-hidden="true">
                {state === 'done' ? '✓' : state === 'failed' ? '✕' : '○'}
              </span>{' '}
              {p.label}
              <span className="visually-hidden"> ({state})</span>
            </li>
          )
        })}
      </ol>
      {check.result ? (
        <div className="notice notice-ok" role="status">
          <strong>The connection works.</strong>
          <p className="mono small">
            Server key {check.result.serverKey.sha256}
          </p>
          <p>
            {check.result.upload.epochs} epoch(s) waiting in /upload;{' '}
            {check.result.uploadProcessed.epochs} processed.
          </p>
          <button
            type="button"
            className="primary"
            onClick={() => onNext('schedule')}
          >
            Next: nightly upload
          </button>
        </div>
      ) : null}
      {check.error ? <ErrorBox error={check.error} /> : null}
      {offered &&
      (check.error?.code === 'HOST_KEY_UNTRUSTED' ||
        check.error?.code === 'HOST_KEY_CHANGED') ? (
        <div className="trust">
          <p>
            The server shows this {offered.type} key. Confirm it with SameGoal
            (by phone) before you trust it.
          </p>
          <p className="mono">{offered.sha256}</p>
          <p className="mono small">{offered.md5}</p>
          <button
            type="button"
            onClick={() => setTrust(offered.sha256)}
            disabled={trust === offered.sha256}
          >
            {trust === offered.sha256
              ? 'Trusted for the next test'
              : 'I confirmed it: trust this key'}
          </button>
          {trust === offered.sha256 ? (
            <p>Now press “Test connection” again.</p>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}
