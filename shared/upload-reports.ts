/** What the export checks found, as the CLI and the wizard show it. */
export interface ExportCheckReport {
  readonly file: string
  readonly bytes: number
  readonly modifiedAt: string
  readonly encoding: 'utf-8' | 'windows-1252'
  /** The field separator, shown by name ('tab', 'comma', '|', ';'). */
  readonly delimiter: string
  readonly fields: number
  /** Data records, not counting a header line. */
  readonly records: number
  readonly hasHeader: boolean
  /** Things the technician should look at that do not stop the run. */
  readonly warnings: readonly string[]
}

/** Which way the file went over the wire, for the log and the history. */
export interface TransferReport {
  readonly mode: 'parallel' | 'sequential'
  readonly channels: number
  readonly chunkBytes: number
  readonly inFlight: number
}
