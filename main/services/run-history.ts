import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import { runRecordSchema, type RunRecord } from '../../shared/settings-schema'
import type { HomeLayout } from './home'
import { appendJsonLines } from './json-lines'

/**
 * The run history: one JSON line per run, appended. Appending a single
 * short line is atomic enough that the wizard and a nightly run never
 * interleave records; a damaged line is skipped, never fatal.
 */

/** Appends one run record to the district's history. */
export async function appendRun(
  layout: HomeLayout,
  record: RunRecord,
): Promise<void> {
  const file = layout.historyFile(record.domain)

  await fs.mkdir(path.dirname(file), { recursive: true })
  await appendJsonLines(file, [JSON.stringify(record)])
}

/** Reads the district's runs, oldest first. */
export async function readRuns(
  layout: HomeLayout,
  domain: string,
): Promise<RunRecord[]> {
  let text: string
  try {
    text = await fs.readFile(layout.historyFile(domain), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    // Reading "no runs" from a history that exists would show uploaded
    // epochs as never sent and hide tonight's success from the schedule.
    throw new AppError(
      'INVALID_SETTINGS',
      `The run history ${layout.historyFile(domain)} cannot be read.`,
      { cause: error },
    )
  }

  const runs: RunRecord[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const parsed = runRecordSchema.safeParse(JSON.parse(line))
      if (parsed.success) runs.push(parsed.data)
    } catch {
      // a line cut short by a crash mid-write: skip it
    }
  }
  return runs
}

/** The most recent run, if any. */
export async function lastRun(
  layout: HomeLayout,
  domain: string,
): Promise<RunRecord | undefined> {
  const runs = await readRuns(layout, domain)
  return runs[runs.length - 1]
}
