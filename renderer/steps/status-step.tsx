import { useCallback, useEffect } from 'react'
import type { EpochState } from '../../shared/reports'
import { call } from '../api'
import { ErrorBox } from '../error-box'
import type { StepProps } from '../step-view'
import { useAction } from '../use-action'

const STATE_TEXT: Record<EpochState, string> = {
  pending: 'Waiting for SameGoal',
  processed: 'Processed',
  failed: 'Failed',
  'processed-with-problems': 'Processed with problems',
  missing: 'Missing',
}

/** Step 5: what SameGoal made of the latest uploads. */
export function StatusStep({ district }: StepProps) {
  const domain = district.settings.domain
  const status = useAction(
    useCallback(() => call('status:read', { domain }), [domain]),
  )

  // Check once when the step opens for a district; later checks are asked for.
  useEffect(() => {
    void status.run()
  }, [domain])

  return (
    <section className="panel" aria-labelledby="status-title">
      <h3 id="status-title">Step 5: Confirm processing</h3>
      <p>
        SameGoal moves each processed upload to /upload-processed and adds
        students.csv and guardians.csv.
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => void status.run()}
        disabled={status.busy}
      >
        {status.busy ? 'Checking…' : 'Check now'}
      </button>
      {status.error ? <ErrorBox error={status.error} /> : null}
      {status.result && status.result.epochs.length === 0 ? (
        <p>No uploads yet. Run one in step 4.</p>
      ) : null}
      {status.result && status.result.epochs.length > 0 ? (
        <table className="epochs">
          <caption className="visually-hidden">
            Latest uploads and their processing state
          </caption>
          <thead>
            <tr>
              <th scope="col">Epoch</th>
              <th scope="col">State</th>
              <th scope="col">Where</th>
              <th scope="col">Files</th>
            </tr>
          </thead>
          <tbody>
            {status.result.epochs.map((e) => (
              <tr key={e.epoch} className={`state-${e.state}`}>
                <td className="mono">{e.epoch}</td>
                <td>
                  <span className={`badge badge-${e.state}`}>
                    {STATE_TEXT[e.state]}
                  </span>
                  {e.errorFiles.map((f) => (
                    <pre key={f.name} className="error-text">
                      {f.name}: {f.firstLines.join('\n')}
                    </pre>
                  ))}
                </td>
                <td>{e.location ?? '-'}</td>
                <td className="small">{e.files.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
