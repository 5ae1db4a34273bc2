import type { RunRecord } from '../../../shared/settings-schema'
import { formatBytes } from './export-preview'

/** The district's recent runs, newest first. */
export function RunHistory({ runs }: { readonly runs: readonly RunRecord[] }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>

  return (
    <table className="run-history" aria-label="Run history">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Result</th>
          <th scope="col">Epoch</th>
          <th scope="col">Records</th>
          <th scope="col">Size</th>
          <th scope="col">Time</th>
          <th scope="col">Rate</th>
          <th scope="col">Retries</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-result={run.result}>
            <td>{new Date(run.startedAt).toLocaleString()}</td>
            <td title={run.message}>
              {run.result}
              {run.code ? ` (${run.code})` : ''}
            </td>
            <td className="mono">
              {run.epoch ?? (run.mode === 'direct' ? 'direct' : '')}
            </td>
            <td>{run.records ?? ''}</td>
            <td>{run.bytes === undefined ? '' : formatBytes(run.bytes)}</td>
            <td>{(run.durationMs / 1000).toFixed(1)} s</td>
            <td>
              {run.throughputBps ? `${formatBytes(run.throughputBps)}/s` : ''}
            </td>
            <td>{run.retries ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
