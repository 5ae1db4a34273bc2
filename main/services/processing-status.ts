import path from 'node:path'
import type SftpClient from 'ssh2-sftp-client'
import { AppError } from '../../shared/errors'
import type {
  EpochStatus,
  ErrorFileView,
  StatusReport,
} from '../../shared/reports'
import type { RunRecord } from '../../shared/settings-schema'
import type { ServiceContext } from './context'
import { openDistrictSession } from './district-session'
import {
  listIfPresent,
  PROCESSED_DIR,
  UPLOAD_DIR,
  type RemoteEntry,
} from './remote-folders'
import { readRuns } from './run-history'
import { COMPLETE_MARKER } from './upload-run'

/** The result files SameGoal writes into a processed epoch. */
export const RESULT_FILES = ['students.csv', 'guardians.csv'] as const

const ERROR_PREVIEW_BYTES = 4096
const ERROR_PREVIEW_LINES = 8

export interface StatusOptions {
  /** How many of the latest uploaded epochs to report. */
  readonly limit?: number
}

/**
 * Step 5: for the latest epochs this product uploaded, looks each up by
 * name in /upload-processed and then /upload (never walking every epoch)
 * and says what SameGoal made of it.
 */
export async function readStatus(
  ctx: ServiceContext,
  domain: string,
  options: StatusOptions = {},
): Promise<StatusReport> {
  const district = await ctx.store.get(domain)
  const uploaded = uploadedEpochs(
    await readRuns(ctx.layout, district.domain),
    options.limit ?? 5,
  )
  if (uploaded.length === 0) return { domain: district.domain, epochs: [] }

  const session = await openDistrictSession(ctx, district, {
    mode: 'pinned',
    pin: district.hostKey,
  })
  try {
    const epochs: EpochStatus[] = []
    for (const run of uploaded)
      epochs.push(await epochStatus(session.sftp, run))

    return {
      domain: district.domain,
      epochs,
      ...(epochs[0] ? { latest: epochs[0] } : {}),
    }
  } finally {
    await session.close()
  }
}

/** Polls until the latest epoch leaves `pending` or the time runs out. */
export async function waitForStatus(
  ctx: ServiceContext,
  domain: string,
  waitSeconds: number,
  pollMs = 3000,
): Promise<StatusReport> {
  const deadline = Date.now() + waitSeconds * 1000

  for (;;) {
    const report = await readStatus(ctx, domain)
    if (report.latest?.state !== 'pending') return report

    if (Date.now() + pollMs > deadline) {
      throw new AppError(
        'STATUS_TIMEOUT',
        `Epoch ${report.latest.epoch} is still waiting to be processed.`,
        {
          extra: { report },
        },
      )
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

function uploadedEpochs(
  runs: readonly RunRecord[],
  limit: number,
): RunRecord[] {
  return runs
    .filter((run) => run.result === 'success' && run.epoch)
    .reverse()
    .slice(0, limit)
}

async function epochStatus(
  sftp: SftpClient,
  run: RunRecord,
): Promise<EpochStatus> {
  const epoch = run.epoch ?? ''
  const exportName = run.file ? path.basename(run.file) : undefined
  const base = {
    epoch,
    uploadedAt: run.finishedAt,
    ...(exportName ? { exportFile: exportName } : {}),
  }

  for (const location of [PROCESSED_DIR, UPLOAD_DIR] as const) {
    const entries = await listIfPresent(sftp, `${location}/${epoch}`)
    if (!entries) continue

    const classified = await classifyEpoch(
      sftp,
      `${location}/${epoch}`,
      entries,
      exportName,
    )
    return { ...base, location, ...classified }
  }
  return { ...base, state: 'missing', files: [], errorFiles: [] }
}

async function classifyEpoch(
  sftp: SftpClient,
  dir: string,
  entries: readonly RemoteEntry[],
  exportName: string | undefined,
): Promise<Pick<EpochStatus, 'state' | 'files' | 'errorFiles'>> {
  const files = entries.map((e) => e.name).sort()
  const errorNames = files.filter((name) => isErrorFile(name, exportName))
  const errorFiles: ErrorFileView[] = []
  for (const name of errorNames) {
    errorFiles.push({
      name,
      firstLines: await firstLines(sftp, `${dir}/${name}`),
    })
  }

  const hasStudents = files.includes('students.csv')
  const inProcessed = dir.startsWith(`${PROCESSED_DIR}/`)
  const state = hasStudents
    ? errorFiles.length > 0
      ? 'processed-with-problems'
      : 'processed'
    : errorFiles.length > 0 || inProcessed
      ? 'failed'
      : 'pending'

  return { state, files, errorFiles }
}

/**
 * SameGoal does not publish its error file's name, so any file that is not
 * the export, the marker or a result file counts as one.
 */
export function isErrorFile(
  name: string,
  exportName: string | undefined,
): boolean {
  if (name === COMPLETE_MARKER || name === exportName) return false

  return !(RESULT_FILES as readonly string[]).includes(name)
}

async function firstLines(sftp: SftpClient, file: string): Promise<string[]> {
  const chunks: Buffer[] = []
  try {
    const stream = sftp.createReadStream(file, {
      start: 0,
      end: ERROR_PREVIEW_BYTES - 1,
    })
    for await (const chunk of stream) chunks.push(chunk as Buffer)
  } catch {
    return ['(the error file could not be read)']
  }

  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(0, ERROR_PREVIEW_LINES)
}
