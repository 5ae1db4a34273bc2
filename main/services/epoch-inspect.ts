import { parse } from 'csv-parse'
import type SftpClient from 'ssh2-sftp-client'
import type {
  EpochState,
  EpochStatus,
  ErrorFileView,
} from '../../shared/reports'
import type { ResultRows } from '../../shared/status-reports'
import { PROCESSED_DIR, type RemoteEntry } from './remote-folders'

/**
 * Reads one epoch folder on the server and says what SameGoal made of it:
 * the state by the error-file rule, the first lines of any error file, and
 * the result files' row counts, counted as they stream past so no copy of
 * student data is ever kept.
 */

/** The result files SameGoal writes into a processed epoch. */
export const RESULT_FILES = ['students.csv', 'guardians.csv'] as const
export const COMPLETE_NAME = 'COMPLETE'

const ERROR_PREVIEW_BYTES = 4096
const ERROR_PREVIEW_LINES = 8
const ERROR_LINE_CHARS = 300

export type Classified = Pick<EpochStatus, 'state' | 'files' | 'errorFiles'>

/**
 * SameGoal does not publish its error file's name, so any file that is not
 * the export, the marker or a result file counts as one.
 */
export function isErrorFile(
  name: string,
  exportName: string | undefined,
): boolean {
  if (name === COMPLETE_NAME || name === exportName) return false

  return !(RESULT_FILES as readonly string[]).includes(name)
}

/** The state and error files of an epoch folder's listing. */
export async function classifyEpoch(
  sftp: SftpClient,
  dir: string,
  entries: readonly RemoteEntry[],
  exportName: string | undefined,
): Promise<Classified> {
  const files = entries.map((e) => e.name).sort()
  const errorFiles: ErrorFileView[] = []
  for (const name of files.filter((n) => isErrorFile(n, exportName))) {
    errorFiles.push({
      name,
      firstLines: await firstLines(sftp, `${dir}/${name}`),
    })
  }

  return { state: stateOf(dir, files, errorFiles.length), files, errorFiles }
}

function stateOf(dir: string, files: string[], errors: number): EpochState {
  if (files.includes('students.csv'))
    return errors > 0 ? 'processed-with-problems' : 'processed'
  if (errors > 0 || dir.startsWith(`${PROCESSED_DIR}/`)) return 'failed'

  return 'pending'
}

/** Counts the data rows of the result files present in an epoch. */
export async function countResultRows(
  sftp: SftpClient,
  dir: string,
  files: readonly string[],
): Promise<ResultRows> {
  const rows: { students?: number; guardians?: number } = {}

  if (files.includes('students.csv'))
    rows.students = await countCsvRows(sftp, `${dir}/students.csv`)
  if (files.includes('guardians.csv'))
    rows.guardians = await countCsvRows(sftp, `${dir}/guardians.csv`)
  return rows
}

/**
 * Streams a CSV file through csv-parse and counts its records, less the
 * header. Each record is dropped as soon as it is counted. Undefined when
 * the file cannot be read or parsed.
 */
export async function countCsvRows(
  sftp: SftpClient,
  file: string,
): Promise<number | undefined> {
  const source = sftp.createReadStream(file)
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  })
  source.on('error', (error: Error) => parser.destroy(error))

  let records = 0
  try {
    for await (const _record of source.pipe(parser)) records++
  } catch {
    source.destroy()
    return undefined
  } finally {
    await settled(source)
  }
  return Math.max(0, records - 1)
}

/**
 * Waits until a remote read stream has closed its file handle. Closing the
 * session while that close is still in flight makes the stream emit a late
 * error that nobody listens to any more.
 */
async function settled(stream: NodeJS.ReadableStream): Promise<void> {
  const readable = stream as NodeJS.ReadableStream & { closed?: boolean }
  readable.on('error', () => undefined)
  if (readable.closed) return

  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000)
    readable.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

async function firstLines(sftp: SftpClient, file: string): Promise<string[]> {
  const chunks: Buffer[] = []
  const stream = sftp.createReadStream(file, {
    start: 0,
    end: ERROR_PREVIEW_BYTES - 1,
  })
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer)
  } catch {
    return ['(the error file could not be read)']
  } finally {
    await settled(stream)
  }

  return previewLines(Buffer.concat(chunks))
}

/**
 * The first lines of an error file as safe, readable text: a binary file
 * is named as such, control characters (which could drive a terminal) are
 * replaced, and very long lines are cut.
 */
export function previewLines(bytes: Buffer): string[] {
  if (looksBinary(bytes)) return ['(binary content, not shown)']

  return bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) =>
      line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?'),
    )
    .filter((line) => line.trim() !== '')
    .slice(0, ERROR_PREVIEW_LINES)
    .map((line) =>
      line.length > ERROR_LINE_CHARS
        ? `${line.slice(0, ERROR_LINE_CHARS)}\u2026 (line cut)`
        : line,
    )
}

// NUL bytes, or many bytes that are not UTF-8 text, mean it is not text.
function looksBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true

  const text = bytes.toString('utf8')
  const replaced = text.match(/\uFFFD/g)?.length ?? 0
  return replaced > Math.max(2, text.length / 20)
}
