import { useCallback, useEffect, useState } from 'react'
import type { CheckPhase, CheckReport, KeyWaitTick } from '../../shared/reports'
import { call, listen } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'
import {
  KeyWaitCountdown,
  LikelyCauses,
  PhaseList,
  TrustPrompt,
} from './connect-parts'
import { ConnectionSettings } from './connection-settings'

/**
 * Step 3: the read-only connection test, with the host-key trust prompt,
 * the "keep trying" wait while SameGoal installs a new key, and a report
 * to copy into an email to SameGoal.
 */
export function ConnectStep({ district, onChanged, onNext }: StepProps) {
  const domain = district.settings.domain
  const [reached, setReached] = useState<CheckPhase[]>([])
  const [trust, setTrust] = useState<string>()
  const [tick, setTick] = useState<KeyWaitTick>()
  const [mode, setMode] = useState<'check' | 'wait'>('check')
  const [reportShown, setReportShown] = useState(false)
  const [passphrase, setPassphrase] = useState('')
  const locked = district.settings.key?.encrypted === true

  useEffect(
    () =>
      listen('connection:phase', (e) => {
        if (e.domain !== domain) return
        // A new attempt starts the list again.
        setReached((r) => (e.phase === 'resolve' ? [e.phase] : [...r, e.phase]))
      }),
    [domain],
  )
  useEffect(
    () =>
      listen('connection:key-wait', (t) => t.domain === domain && setTick(t)),
    [domain],
  )

  const trustPayload = trust ? { trustFingerprint: trust } : {}
  const check = useAction<CheckReport>(
    useCallback(() => {
      setReached([])
      setMode('check')
      setReportShown(false)
      return call('connection:check', {
        domain,
        ...trustPayload,
        ...(locked && passphrase ? { passphrase } : {}),
      })
    }, [domain, trust, locked, passphrase]),
    () => void onChanged(),
  )
  const wait = useAction<CheckReport>(
    useCallback(() => {
      setTick(undefined)
      setMode('wait')
      setReportShown(false)
      return call('connection:wait-for-key', { domain, ...trustPayload })
    }, [domain, trust]),
    () => void onChanged(),
  )
  const report = useAction<{ text: string; copied: boolean }>(
    useCallback(() => call('connection:report', { domain }), [domain]),
  )

  const busy = check.busy || wait.busy
  const latest = mode === 'wait' ? wait : check
  const error = latest.error
  const result = latest.result
  const hostKeyProblem =
    error?.code === 'HOST_KEY_UNTRUSTED' || error?.code === 'HOST_KEY_CHANGED'
  const offerWait =
    !busy && error?.code === 'AUTH_REFUSED' && error.extra?.['keyWaitOffered']

  return (
    <section className="panel" aria-labelledby="connect-title">
      <h3 id="connect-title">Step 3: Test the connection</h3>
      <p>
        Connects to {district.settings.host} port {district.settings.port} as{' '}
        <strong>{domain}</strong>
        {district.settings.proxy
          ? ' through the district\u2019s proxy'
          : ''}{' '}
        and only reads; nothing is written to the account.
      </p>
      <ConnectionSettings
        settings={district.settings}
        onSaved={() => void onChanged()}
      />
      {locked ? (
        <label>
          Key passphrase (used for this test only, never stored)
          <input
            type="password"
            autoComplete="off"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
        </label>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => void check.run()}
          disabled={busy}
        >
          {check.busy ? 'Testing…' : 'Test connection'}
        </button>
        <button
          type="button"
          onClick={() => {
            setReportShown(true)
            void report.run()
          }}
          disabled={busy || (!check.result && !check.error && !wait.error)}
        >
          Copy report
        </button>
      </div>
      {reportShown && report.result ? (
        <details className="small" data-testid="report">
          <summary>Report copied. Paste it into an email to SameGoal.</summary>
          <pre>{report.result.text}</pre>
        </details>
      ) : null}
      <PhaseList
        reached={reached}
        running={busy}
        {...(!busy && error ? { error } : {})}
      />
      {wait.busy ? (
        <KeyWaitCountdown
          {...(tick ? { tick } : {})}
          onStop={() => void call('connection:stop-waiting', { domain })}
        />
      ) : null}
      {!busy && result ? (
        <div className="notice notice-ok" role="status">
          <strong>The connection works.</strong>
          <p className="mono small">
            Server key {result.serverKey.type} {result.serverKey.sha256}
            {result.hostKeyPinned === 'new' ? ' (pinned now)' : ''}
          </p>
          <p>
            {result.upload.epochs} epoch(s) waiting in /upload;{' '}
            {result.uploadProcessed.epochs} processed
            {result.lastProcessedAt
              ? `, the latest on ${new Date(result.lastProcessedAt).toLocaleString()}`
              : ''}
            .
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
      {!busy && error ? (
        hostKeyProblem ? (
          <ErrorBox
            error={error}
            brief
            whatToDo="Nothing was sent. Confirm the fingerprint below with SameGoal (by phone) before you trust it."
          />
        ) : (
          <ErrorBox error={error} />
        )
      ) : null}
      {!busy && error ? <LikelyCauses error={error} /> : null}
      {offerWait ? (
        <button
          type="button"
          className="primary"
          onClick={() => void wait.run()}
        >
          Keep trying until the key works
        </button>
      ) : null}
      {!busy && hostKeyProblem ? (
        <TrustPrompt
          error={error}
          {...(trust ? { trusted: trust } : {})}
          onTrust={setTrust}
        />
      ) : null}
    </section>
  )
}
