import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { EpochStatus } from '../../shared/reports'
import type { HomeLayout } from './home'
import { appendJsonLines } from './json-lines'

/**
 * What SameGoal made of each epoch, as a fact of its own beside the upload
 * history: `processing.jsonl` in the district's folder, one JSON line per
 * change of state. The upload run records "uploaded"; a later status check
 * (the wizard, `status`, or the next night's run) records "processed" or
 * "failed". Lines are appended whole, and a damaged line is skipped.
 */

export const PROCESSING_FILE = 'processing.jsonl'

const isoTime = z.string().datetime({ offset: true })

export const processingRecordSchema = z.object({
  domain: z.string(),
  epoch: z.string(),
  state: z.enum([
    'processed',
    'processed-with-problems',
    'failed',
    'missing',
    'stuck',
  ]),
  checkedAt: isoTime,
  location: z.enum(['/upload', '/upload-processed']).optional(),
  mode: z.enum(['epoch', 'direct']).optional(),
  /** For direct mode: the upload run whose file the server put here. */
  runId: z.string().optional(),
  students: z.number().nonnegative().optional(),
  guardians: z.number().nonnegative().optional(),
  /** The error file's name only: its text may quote student records. */
  errorFile: z.string().optional(),
})

export type ProcessingRecord = z.infer<typeof processingRecordSchema>

/** The processing file of a district. */
export function processingFile(layout: HomeLayout, domain: string): string {
  return path.join(layout.districtDir(domain), PROCESSING_FILE)
}

/** Reads every processing record, oldest first. */
export async function readProcessing(
  layout: HomeLayout,
  domain: string,
): Promise<ProcessingRecord[]> {
  let text: string
  try {
    text = await fs.readFile(processingFile(layout, domain), 'utf8')
  } catch {
    return []
  }

  const records: ProcessingRecord[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const parsed = processingRecordSchema.safeParse(JSON.parse(line))
      if (parsed.success) records.push(parsed.data)
    } catch {
      // a line cut short by a crash mid-write: skip it
    }
  }
  return records
}

/** The newest record per epoch. */
export function latestByEpoch(
  records: readonly ProcessingRecord[],
): Map<string, ProcessingRecord> {
  const byEpoch = new Map<string, ProcessingRecord>()
  for (const record of records) byEpoch.set(record.epoch, record)

  return byEpoch
}

/**
 * Appends a record for each epoch whose state changed since the last one
 * recorded. Pending epochs are not recorded: the upload already says so.
 */
export async function recordProcessing(
  layout: HomeLayout,
  domain: string,
  epochs: readonly EpochStatus[],
  checkedAt: Date,
  runIds: ReadonlyMap<string, string> = new Map(),
): Promise<ProcessingRecord[]> {
  const known = latestByEpoch(await readProcessing(layout, domain))
  const fresh: ProcessingRecord[] = []

  for (const e of epochs) {
    if (e.state === 'pending') continue
    const last = known.get(e.epoch)
    if (last && last.state === e.state && last.location === e.location) continue

    fresh.push(toRecord(domain, e, checkedAt, runIds.get(e.epoch)))
  }
  if (fresh.length === 0) return []

  const file = processingFile(layout, domain)
  await fs.mkdir(path.dirname(file), { recursive: true })
  // One write call with O_APPEND: a line never interleaves with another's.
  await appendJsonLines(
    file,
    fresh.map((r) => JSON.stringify(r)),
  )
  return fresh
}

function toRecord(
  domain: string,
  e: EpochStatus,
  checkedAt: Date,
  runId: string | undefined,
): ProcessingRecord {
  const firstError = e.errorFiles[0]

  return {
    domain,
    epoch: e.epoch,
    state: e.state as ProcessingRecord['state'],
    checkedAt: checkedAt.toISOString(),
    ...(e.location ? { location: e.location } : {}),
    ...(e.mode ? { mode: e.mode } : {}),
    ...(runId ? { runId } : {}),
    ...(e.rows?.students !== undefined ? { students: e.rows.students } : {}),
    ...(e.rows?.guardians !== undefined ? { guardians: e.rows.guardians } : {}),
    ...(firstError ? { errorFile: firstError.name } : {}),
  }
}
