import type { ExportPreview } from '../../../shared/reports'
import { ErrorBox } from '../../error-box'

/** The file tonight's run would take, and what its checks found. */
export function ExportPreviewView({
  preview,
}: {
  readonly preview: ExportPreview
}) {
  const checks = preview.checks

  return (
    <div data-testid="export-preview">
      <p className="notice">
        Tonight it would send <span className="mono">{preview.file}</span> (
        {formatBytes(preview.bytes ?? 0)}, written{' '}
        {new Date(preview.modifiedAt ?? '').toLocaleString()}).
      </p>
      {checks ? (
        <ul className="check-results" aria-label="Export checks">
          <li>
            {checks.records} records, {checks.fields} fields each, separated by{' '}
            {checks.delimiter}
            {checks.hasHeader ? ', with a header line' : ''}
          </li>
          <li>Plain text ({checks.encoding})</li>
          {checks.warnings.map((warning) => (
            <li key={warning} className="warning">
              {warning}
            </li>
          ))}
        </ul>
      ) : null}
      {preview.refusal ? <ErrorBox error={preview.refusal} /> : null}
    </div>
  )
}

/** Bytes in the unit a person reads easily. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`

  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
