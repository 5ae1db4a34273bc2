import path from 'node:path'
import type SftpClient from 'ssh2-sftp-client'
import { AppError, toErrorData, type ErrorData } from '../../shared/errors'
import type { EpochStatus, StatusReport } from '../../shared/reports'
import type { RunRecord } from '../../shared/settings-schema'
import {
  findLeftovers,
  foreignEpochs,
  listAccount,
  locate,
  matchDirectRuns,
  round1,
  type AccountListing,
} from './account-epochs'
import { readAlertSettings, type AlertSettings } from './alert-settings'
import { withConnectionRecord } from './connection-record'
import type { ServiceContext } from './context'
import { openDistrictSession } from './district-session'
import { classifyEpoch, countResultRows } from './epoch-inspect'
import {
  latestByEpoch,
  readProcessing,
  recordProcessing,
  type ProcessingRecord,
} from './processing-log'
import { listIfPresent, type RemoteEntry } from './remote-folders'
import { readRuns } from './run-history'

export { isErrorFile, RESULT_FILES } from './epoch-inspect'

export interface StatusOptions {
  /** How many of the latest uploaded epochs to report. */
  readonly limit?: number
  /** Count result rows of every reported epoch, not only the latest. */
  readonly countAll?: boolean
  /**
   * List /upload-processed once to name foreign epochs (default true).
   * Our own epochs are always looked up by name.
   */
  readonly listProcessed?: boolean
}

interface Lookup {
  readonly sftp: SftpClient
  readonly listing: AccountListing
  readonly settings: AlertSettings
  readonly known: ReadonlyMap<string, ProcessingRecord>
  readonly now: Date
}

/**
 * Step 5: for the latest epochs this product uploaded, looks each up by
 * name and says what SameGoal made of it; lists the epochs that are not
 * ours and the left-overs of crashed runs; and records every change of
 * state in the district's processing file.
 */
export async function readStatus(
  ctx: ServiceContext,
  domain: string,
  options: StatusOptions = {},
): Promise<StatusReport> {
  const district = await ctx.store.get(domain)
  const runs = await readRuns(ctx.layout, district.domain)
  const uploaded = runs.filter((run) => run.result === 'success')
  const latest = uploaded.slice(-(options.limit ?? 5)).reverse()
  if (latest.length === 0) return { domain: district.domain, epochs: [] }

  const session = await withConnectionRecord(
    ctx.layout,
    district.domain,
    'status',
    ctx.now,
    () =>
      openDistrictSession(ctx, district, {
        mode: 'pinned',
        pin: district.hostKey,
      }),
  )
  try {
    const records = await readProcessing(ctx.layout, district.domain)
    const lookup: Lookup = {
      sftp: session.sftp,
      listing: await listAccount(
        session.sftp,
        (options.listProcessed ?? true) || latest.some((run) => !run.epoch),
      ),
      settings: await readAlertSettings(ctx.layout),
      known: latestByEpoch(records),
      now: ctx.now(),
    }
    // Ours: every epoch our history names, and every one matched before.
    const ours = new Set([
      ...runs.flatMap((run) => (run.epoch ? [run.epoch] : [])),
      ...records.map((r) => r.epoch),
    ])
    // Only the reported direct runs are matched: an older night's epoch
    // is dated before a newer run, so it can never be taken for it.
    const direct = await matchDirectRuns(
      session.sftp,
      lookup.listing,
      latest.filter((run) => !run.epoch).reverse(),
      ours,
      new Map(records.flatMap((r) => (r.runId ? [[r.runId, r.epoch]] : []))),
    )

    // Counts for the latest epoch, and for the latest one with results
    // when the newest is still pending (counts are cached once made).
    const epochs: EpochStatus[] = []
    let countedResults = false
    for (const [i, run] of latest.entries()) {
      const epoch = run.epoch ?? direct.get(run.id)
      const count = i === 0 || options.countAll === true || !countedResults
      const status = await epochStatus(lookup, run, epoch, count)
      countedResults ||= status.rows !== undefined
      epochs.push(status)
    }
    const runIds = new Map([...direct].map(([id, epoch]) => [epoch, id]))
    await recordProcessing(
      ctx.layout,
      district.domain,
      epochs,
      lookup.now,
      runIds,
    )

    const foreign = foreignEpochs(lookup.listing, ours)
    const leftovers = await findLeftovers(
      session.sftp,
      lookup.listing,
      ours,
      lookup.now,
      lookup.settings.leftoverAfterHours,
    )
    return {
      domain: district.domain,
      epochs,
      ...(epochs[0] ? { latest: epochs[0] } : {}),
      checkedAt: lookup.now.toISOString(),
      foreign: foreign.shown,
      foreignCount: foreign.count,
      leftovers,
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
    const report = await readStatus(ctx, domain, { listProcessed: false })
    const state = report.latest?.state
    // A stuck epoch is still waiting; only SameGoal can move it on.
    if (state !== 'pending' && state !== 'stuck') return report

    if (Date.now() + pollMs > deadline) {
      throw new AppError(
        'STATUS_TIMEOUT',
        `Epoch ${report.latest?.epoch} is still waiting to be processed.`,
        { extra: { report } },
      )
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

/**
 * The check the nightly run makes before it uploads: records whether the
 * previous nights' epochs were processed. Never throws, so a server that
 * cannot be read for status never stops the upload itself.
 */
export async function checkBeforeUpload(
  ctx: ServiceContext,
  domain: string,
): Promise<{ report?: StatusReport; error?: ErrorData }> {
  try {
    return { report: await readStatus(ctx, domain, { listProcessed: false }) }
  } catch (error) {
    ctx.log.warn(
      { domain, code: toErrorData(error).code },
      'status check failed',
    )
    return { error: toErrorData(error) }
  }
}

async function epochStatus(
  lookup: Lookup,
  run: RunRecord,
  epoch: string | undefined,
  count: boolean,
): Promise<EpochStatus> {
  const exportName = run.file ? path.basename(run.file) : undefined
  const base = {
    epoch: epoch ?? '',
    uploadedAt: run.finishedAt,
    mode: run.mode,
    ...(exportName ? { exportFile: exportName } : {}),
    ...(run.records !== undefined ? { exportRecords: run.records } : {}),
  }

  if (!epoch) return directWaiting(lookup, base, exportName)

  const location =
    locate(lookup.listing, epoch) ?? (await findByName(lookup, epoch))
  if (!location) return { ...base, state: 'missing', files: [], errorFiles: [] }

  const dir = `${location}/${epoch}`
  const entries = (await listEpochFolder(lookup, dir)) ?? []
  const classified = await classifyEpoch(lookup.sftp, dir, entries, exportName)
  const status = { ...base, location, ...classified }

  if (classified.state === 'pending') return pendingOrStuck(lookup, status)
  if (classified.state === 'failed') return status

  // Older epochs are not streamed again, but counts made before still show.
  const rows = count
    ? await cachedOrCounted(lookup, status, dir)
    : knownRows(lookup, status)
  if (!rows) return status
  const warnings = rowWarnings(rows, run.records)
  return { ...status, rows, ...(warnings.length > 0 ? { warnings } : {}) }
}

// "processed" with no students, or with far fewer than the export held,
// is not the result the district needs; say so beside the state. The
// export may have a header line, hence the one record of slack.
function rowWarnings(
  rows: EpochStatus['rows'],
  exportRecords: number | undefined,
): string[] {
  if (rows?.students === undefined) return []
  if (rows.students === 0) {
    return [
      'students.csv holds no student rows: SameGoal may not have understood the export. Ask SameGoal to check this epoch.',
    ]
  }
  if (exportRecords === undefined || exportRecords < 2) return []

  const expected = exportRecords - 1
  if (rows.students >= expected * 0.9) return []
  return [
    `students.csv has ${rows.students} students but the export had ${exportRecords} records: read the error text, or ask SameGoal which records were left out.`,
  ]
}

// The account's folders were readable, so a refusal here is this one
// epoch's folder: say so, rather than that the account lacks a folder.
async function listEpochFolder(
  lookup: Lookup,
  dir: string,
): Promise<RemoteEntry[] | undefined> {
  try {
    return await listIfPresent(lookup.sftp, dir)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    throw new AppError(
      'REMOTE_FOLDER_MISSING',
      `The epoch folder ${dir} on the server cannot be read, so what SameGoal made of it is unknown. Ask SameGoal to check the permissions of that folder.`,
      {
        cause: error.cause,
        ...(error.details ? { details: error.details } : {}),
        extra: { folder: dir },
      },
    )
  }
}

// /upload-processed was not listed (the cheap path): look our epoch up by
// name, processed folder first.
async function findByName(
  lookup: Lookup,
  epoch: string,
): Promise<EpochStatus['location']> {
  if (lookup.listing.processed.size > 0) return undefined

  const kind = await lookup.sftp.exists(`/upload-processed/${epoch}`)
  return kind === 'd' ? '/upload-processed' : undefined
}

function directWaiting(
  lookup: Lookup,
  base: Omit<EpochStatus, 'state' | 'files' | 'errorFiles'>,
  exportName: string | undefined,
): EpochStatus {
  const waiting = exportName && lookup.listing.directFiles.has(exportName)
  if (!waiting) return { ...base, state: 'missing', files: [], errorFiles: [] }

  const status: EpochStatus = {
    ...base,
    state: 'pending',
    location: '/upload',
    files: [exportName],
    errorFiles: [],
  }
  return pendingOrStuck(lookup, status)
}

function pendingOrStuck(lookup: Lookup, status: EpochStatus): EpochStatus {
  const since = new Date(status.uploadedAt ?? lookup.now).getTime()
  const hours = round1((lookup.now.getTime() - since) / 3_600_000)
  const stuck = hours >= lookup.settings.stuckAfterHours

  return { ...status, state: stuck ? 'stuck' : 'pending', pendingHours: hours }
}

// Result files never change once written, so counts recorded for the same
// state and place are reused instead of streaming the files again.
async function cachedOrCounted(
  lookup: Lookup,
  status: EpochStatus,
  dir: string,
): Promise<EpochStatus['rows']> {
  return (
    knownRows(lookup, status) ??
    (await countResultRows(lookup.sftp, dir, status.files))
  )
}

function knownRows(
  lookup: Lookup,
  status: EpochStatus,
): EpochStatus['rows'] | undefined {
  const known = lookup.known.get(status.epoch)
  const same =
    known?.state === status.state && known.location === status.location
  if (!same || known.students === undefined) return undefined
  return {
    students: known.students,
    ...(known.guardians !== undefined ? { guardians: known.guardians } : {}),
  }
}
