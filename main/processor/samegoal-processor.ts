import fs from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { looksLikeEpoch, nextEpochName } from '../../shared/epoch'
import { STAND_IN_COLUMNS, type StandInColumn } from './stand-in-layout'

/**
 * Plays SameGoal's side of the epoch protocol on a local folder laid out
 * like an account (`upload/`, `upload-processed/`). It takes every epoch
 * that holds COMPLETE, turns the export into `students.csv` and
 * `guardians.csv` (or writes an error file), and moves the epoch to
 * `upload-processed/`. A file dropped straight into `upload/` (direct mode)
 * is first copied into an epoch of its own, as SameGoal documents.
 * Used by the test harness and by the practice server.
 */

export const ERROR_FILE = 'errors.txt'
export const WARNINGS_FILE = 'warnings.txt'

export type ProcessOutcome = 'processed' | 'processed-with-problems' | 'failed'

export interface ProcessedEpoch {
  readonly epoch: string
  readonly outcome: ProcessOutcome
  readonly students: number
  readonly guardians: number
}

export interface ProcessorOptions {
  readonly now?: Date
  /** Leave results in /upload instead of moving the epoch (SameGoal sometimes shows them there). */
  readonly inPlace?: boolean
}

/** Processes everything ready in one account folder. */
export async function processAccount(
  accountRoot: string,
  options: ProcessorOptions = {},
): Promise<ProcessedEpoch[]> {
  const upload = path.join(accountRoot, 'upload')
  const processed = path.join(accountRoot, 'upload-processed')
  await fs.mkdir(processed, { recursive: true })

  await adoptDirectFiles(accountRoot, options.now ?? new Date())

  const results: ProcessedEpoch[] = []
  for (const name of (await fs.readdir(upload)).sort()) {
    const dir = path.join(upload, name)
    if (!looksLikeEpoch(name) || !(await isReady(dir))) continue

    const result = await processEpoch(dir, name)
    if (!options.inPlace) await fs.rename(dir, path.join(processed, name))
    results.push(result)
  }
  return results
}

async function isReady(dir: string): Promise<boolean> {
  const stat = await fs.stat(dir).catch(() => undefined)
  if (!stat?.isDirectory()) return false

  // An epoch processed in place already holds its results; processing it
  // again would read them as extra export files.
  const names = await fs.readdir(dir)
  const done = [ERROR_FILE, 'students.csv'].some((n) => names.includes(n))

  return names.includes('COMPLETE') && !done
}

async function adoptDirectFiles(accountRoot: string, now: Date): Promise<void> {
  const upload = path.join(accountRoot, 'upload')
  const names = await fs.readdir(upload)
  const existing = [
    ...names,
    ...(await fs.readdir(path.join(accountRoot, 'upload-processed'))),
  ]

  for (const name of names) {
    const file = path.join(upload, name)
    if (!(await fs.stat(file)).isFile()) continue

    const epoch = nextEpochName(now, existing)
    existing.push(epoch)
    await fs.mkdir(path.join(upload, epoch))
    // Moved, not copied: a file left behind would become a new epoch on
    // every pass, though the district sent it once.
    await fs.rename(file, path.join(upload, epoch, name))
    await fs.writeFile(path.join(upload, epoch, 'COMPLETE'), '')
  }
}

async function processEpoch(
  dir: string,
  epoch: string,
): Promise<ProcessedEpoch> {
  const names = (await fs.readdir(dir)).filter((n) => n !== 'COMPLETE')
  const fail = async (message: string): Promise<ProcessedEpoch> => {
    await fs.writeFile(path.join(dir, ERROR_FILE), `${message}\n`)
    return { epoch, outcome: 'failed', students: 0, guardians: 0 }
  }

  if (names.length !== 1)
    return fail(`Expected one export file in the epoch, found ${names.length}.`)
  const exportName = names[0] ?? ''
  const bytes = await fs.readFile(path.join(dir, exportName))
  if (bytes.length === 0) return fail(`The file ${exportName} is empty.`)

  let rows: string[][]
  try {
    rows = parseExport(bytes)
  } catch (error) {
    return fail(
      `The file ${exportName} could not be read: ${(error as Error).message}`,
    )
  }
  return convert(dir, epoch, rows)
}

function parseExport(bytes: Buffer): string[][] {
  const text = decode(bytes)
  const firstLine = text.slice(0, text.search(/\r?\n|$/))
  const delimiter = ['\t', '|', ','].reduce((best, d) =>
    count(firstLine, d) > count(firstLine, best) ? d : best,
  )

  return parse(text, {
    delimiter,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: true,
  }) as string[][]
}

function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1
}

async function convert(
  dir: string,
  epoch: string,
  rows: string[][],
): Promise<ProcessedEpoch> {
  const { index, records } = columnIndex(rows)
  const get = (row: string[], column: StandInColumn): string =>
    row[index(column)] ?? ''

  const students: string[][] = [
    [
      'Student Id',
      'Last Name',
      'First Name',
      'Middle Name',
      'Date of Birth',
      'Gender',
      'District Enrollment',
      'Grade',
      'Building',
    ],
  ]
  const guardians: string[][] = [
    ['Student Id', 'Last Name', 'First Name', 'Relationship', 'Phone'],
  ]
  const problems: string[] = []

  records.forEach((row, i) => {
    const id = get(row, 'StudentId')
    if (!/^[A-Za-z0-9]{1,20}$/.test(id)) {
      problems.push(
        `Record ${i + 2}: student id "${id}" is not 1 to 20 letters or digits; skipped.`,
      )
      return
    }
    students.push([
      id,
      get(row, 'LastName'),
      get(row, 'FirstName'),
      get(row, 'MiddleName'),
      get(row, 'BirthDate'),
      get(row, 'Gender'),
      get(row, 'Enrollment'),
      get(row, 'Grade'),
      get(row, 'Campus'),
    ])
    if (get(row, 'GuardianLastName')) {
      guardians.push([
        id,
        get(row, 'GuardianLastName'),
        get(row, 'GuardianFirstName'),
        get(row, 'GuardianRelationship'),
        get(row, 'GuardianPhone'),
      ])
    }
  })

  if (students.length === 1) {
    await fs.writeFile(
      path.join(dir, ERROR_FILE),
      `No valid student records.\n${problems.slice(0, 20).join('\n')}\n`,
    )
    return { epoch, outcome: 'failed', students: 0, guardians: 0 }
  }
  await fs.writeFile(
    path.join(dir, 'students.csv'),
    stringify(students, { record_delimiter: '\r\n' }),
  )
  await fs.writeFile(
    path.join(dir, 'guardians.csv'),
    stringify(guardians, { record_delimiter: '\r\n' }),
  )
  if (problems.length > 0)
    await fs.writeFile(
      path.join(dir, WARNINGS_FILE),
      `${problems.join('\n')}\n`,
    )

  return {
    epoch,
    outcome: problems.length > 0 ? 'processed-with-problems' : 'processed',
    students: students.length - 1,
    guardians: guardians.length - 1,
  }
}

// A header naming the stand-in columns is used by name; anything else is
// read by position in the stand-in order.
function columnIndex(rows: string[][]): {
  index: (column: StandInColumn) => number
  records: string[][]
} {
  const header = rows[0] ?? []
  const byName = new Map(header.map((name, i) => [name.trim(), i]))
  const named = STAND_IN_COLUMNS.some((c) => byName.has(c))

  return {
    index: (column) =>
      named ? (byName.get(column) ?? -1) : STAND_IN_COLUMNS.indexOf(column),
    records: named ? rows.slice(1) : rows,
  }
}
