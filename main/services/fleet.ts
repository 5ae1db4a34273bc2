import fs from 'node:fs/promises'
import { parseEpoch } from '../../shared/epoch'
import {
  AppError,
  errorCatalog,
  toErrorData,
  type ErrorCode,
  type ErrorData,
} from '../../shared/errors'
import type { StatusReport } from '../../shared/reports'
import type { DistrictSettings, RunRecord } from '../../shared/settings-schema'
import {
  FLEET_STATES,
  type FleetReport,
  type FleetRow,
  type FleetState,
} from '../../shared/status-reports'
import { round1 } from './account-epochs'
import { readAlertSettings, type AlertSettings } from './alert-settings'
import { checkConnection } from './connection-check'
import { readConnection, withConnectionRecord } from './connection-record'
import type { ServiceContext } from './context'
import { readStatus } from './processing-status'
import { readProcessing, type ProcessingRecord } from './processing-log'
import { readRuns } from './run-history'
import { nextRunAt } from './next-run'

/**
 * Every district of the home on one screen: its last run, its last
 * processed epoch and that epoch's age, its next run, key and connection.
 * With `probe`, each district's latest epoch is looked up on its server
 * (a few at a time); one unreachable server only marks its own row.
 */

export interface FleetOptions {
  /** Connect to each district's server; otherwise recorded facts only. */
  readonly probe: boolean
  readonly concurrency?: number
}

/** Reads the whole fleet, worst state first. */
export async function readFleet(
  ctx: ServiceContext,
  options: FleetOptions,
): Promise<FleetReport> {
  const domains = await districtFolders(ctx)
  const settings = await readAlertSettings(ctx.layout)
  const rows = await mapLimited(domains, options.concurrency ?? 4, (domain) =>
    fleetRowOrBroken(ctx, domain, settings, options.probe),
  )

  const counts = Object.fromEntries(
    FLEET_STATES.map((state) => [state, 0]),
  ) as Record<FleetState, number>
  for (const row of rows) counts[row.state] += 1

  return {
    checkedAt: ctx.now().toISOString(),
    probed: options.probe,
    staleAfterHours: settings.staleAfterHours,
    districts: sortRows(rows, 'state'),
    counts,
  }
}

/** Sorts rows by state (worst first), name, or the last processed age. */
export function sortRows(
  rows: readonly FleetRow[],
  by: 'state' | 'name' | 'age',
): FleetRow[] {
  const rank = (row: FleetRow) => FLEET_STATES.indexOf(row.state)
  const age = (row: FleetRow) => row.lastProcessed?.ageHours ?? Infinity

  return [...rows].sort((a, b) => {
    if (by === 'state' && rank(a) !== rank(b)) return rank(a) - rank(b)
    if (by === 'age' && age(a) !== age(b)) return age(b) - age(a)

    return a.name.localeCompare(b.name) || a.domain.localeCompare(b.domain)
  })
}

/** True for states a technician must act on. */
export function needsAttention(state: FleetState): boolean {
  return ['unreachable', 'failed', 'stuck', 'stale'].includes(state)
}

// Every folder with a settings file, read one by one, so one damaged
// district.json marks its own row instead of failing the whole fleet.
async function districtFolders(ctx: ServiceContext): Promise<string[]> {
  const names = await fs.readdir(ctx.layout.districtsDir).catch(() => [])
  const found: string[] = []
  for (const name of names.sort()) {
    const file = ctx.layout.settingsFile(name)
    if (
      await fs.access(file).then(
        () => true,
        () => false,
      )
    )
      found.push(name)
  }
  return found
}

async function fleetRowOrBroken(
  ctx: ServiceContext,
  domain: string,
  settings: AlertSettings,
  probe: boolean,
): Promise<FleetRow> {
  let district: DistrictSettings | undefined
  try {
    district = await ctx.store.get(domain)
    // Its own damaged files (history, records) mark only its own row.
    return await fleetRow(ctx, district, settings, probe)
  } catch (error) {
    const data = toErrorData(error)
    return {
      domain,
      name: district?.name ?? domain,
      state: 'unreachable',
      code: data.code,
      message: data.message,
      stale: false,
      at: district?.at ?? '',
      nextRun: '',
    }
  }
}

async function fleetRow(
  ctx: ServiceContext,
  district: DistrictSettings,
  settings: AlertSettings,
  probe: boolean,
): Promise<FleetRow> {
  const domain = district.domain
  const runs = await readRuns(ctx.layout, domain)
  const lastRun = runs[runs.length - 1]
  let report: StatusReport | undefined
  let probeError: ErrorData | undefined
  if (probe) {
    try {
      report = await probeDistrict(ctx, district, runs)
    } catch (error) {
      probeError = toErrorData(error)
    }
  }

  // Offline, the last recorded connection stands in for a check, unless a
  // run started after it (that run's own outcome is newer news).
  const connection = await readConnection(ctx.layout, domain)
  const current =
    connection &&
    (!lastRun || Date.parse(connection.at) >= Date.parse(lastRun.startedAt))
  if (!probe && connection && !connection.ok && current)
    probeError = toErrorData(
      new AppError(
        isErrorCode(connection.code) ? connection.code : 'INTERNAL',
        connection.message ?? 'The last connection failed.',
      ),
    )

  const now = ctx.now()
  const records = await readProcessing(ctx.layout, domain)
  const lastSuccess = runs.filter((r) => r.result === 'success').at(-1)

  const lastProcessed = lastProcessedOf(records, now)
  const latest = latestOf(report, lastSuccess, records)

  const firstUpload = runs.find((r) => r.result === 'success')
  const quietSince = lastProcessed?.at ?? firstUpload?.finishedAt
  const stale =
    quietSince !== undefined &&
    now.getTime() - new Date(quietSince).getTime() >
      settings.staleAfterHours * 3_600_000

  // A district still being set up (nothing run yet) stays "new": its
  // failed connection is shown as the reason, without an alert.
  const verdict =
    probeError && runs.length === 0
      ? {
          state: 'new' as const,
          code: probeError.code,
          message: probeError.message,
        }
      : judge(probeError, lastRun, latest?.state, stale)
  return {
    domain,
    name: district.name,
    ...(district.practice ? { practice: true } : {}),
    ...verdict,
    stale,
    ...(lastRun
      ? {
          lastRun: {
            at: lastRun.startedAt,
            result: lastRun.result,
            ...(lastRun.epoch ? { epoch: lastRun.epoch } : {}),
            ...(lastRun.code ? { code: lastRun.code } : {}),
          },
        }
      : {}),
    ...(latest ? { latest } : {}),
    ...(lastProcessed ? { lastProcessed } : {}),
    at: district.at,
    // Only a registered, real district has a next run to promise.
    nextRun:
      district.scheduled && !district.practice
        ? nextRunAt(district.at, now).toISOString()
        : '',
    ...(district.key ? { keyFingerprint: district.key.sha256 } : {}),
    ...(connection ? { connection } : {}),
  }
}

// "Check all now": the status of the latest upload; for a district with a
// key and nothing uploaded yet, the read-only connection test instead, so
// a key SameGoal has not installed shows before the first night.
async function probeDistrict(
  ctx: ServiceContext,
  district: DistrictSettings,
  runs: readonly RunRecord[],
): Promise<StatusReport | undefined> {
  const domain = district.domain
  if (runs.some((run) => run.result === 'success'))
    return readStatus(ctx, domain, { limit: 1, listProcessed: false })
  // No key, or one only a person can unlock: nothing to test unattended.
  if (!district.key || district.key.encrypted) return undefined

  await withConnectionRecord(ctx.layout, domain, 'check', ctx.now, () =>
    checkConnection(ctx, domain),
  )
  return undefined
}

function lastProcessedOf(
  records: readonly ProcessingRecord[],
  now: Date,
): FleetRow['lastProcessed'] {
  const record = records
    .filter(
      (r) => r.state === 'processed' || r.state === 'processed-with-problems',
    )
    .sort((a, b) => a.epoch.localeCompare(b.epoch))
    .at(-1)
  if (!record) return undefined

  // The epoch name is local time where it was made; read in another time
  // zone it can lie in the future, and then the time it was seen is used.
  const epoch = record.epoch
  const named = parseEpoch(epoch)
  const at =
    named && named.getTime() <= now.getTime()
      ? named
      : new Date(record.checkedAt)

  const ageHours = round1((now.getTime() - at.getTime()) / 3_600_000)
  return { epoch, at: at.toISOString(), ageHours }
}

// The check's own answer when there was one; otherwise what was recorded
// for the last upload (found by run for direct mode), or still pending.
function latestOf(
  report: StatusReport | undefined,
  lastSuccess: RunRecord | undefined,
  records: readonly ProcessingRecord[],
): FleetRow['latest'] {
  if (report?.latest)
    return { epoch: report.latest.epoch, state: report.latest.state }
  if (!lastSuccess) return undefined

  const recorded = records
    .filter((r) =>
      lastSuccess.epoch
        ? r.epoch === lastSuccess.epoch
        : r.runId === lastSuccess.id,
    )
    .at(-1)
  return {
    epoch: recorded?.epoch ?? lastSuccess.epoch ?? '',
    state: recorded?.state ?? 'pending',
  }
}

function judge(
  probeError: ErrorData | undefined,
  lastRun: { result: string; code?: string; message?: string } | undefined,
  latest: string | undefined,
  stale: boolean,
): { state: FleetState; code?: string; message?: string } {
  if (probeError)
    return {
      state: 'unreachable',
      code: probeError.code,
      message: probeError.message,
    }
  if (lastRun && lastRun.result !== 'success')
    return {
      state: 'failed',
      code: lastRun.code ?? 'INTERNAL',
      message: lastRun.message ?? 'The last nightly run failed.',
    }
  if (latest === 'failed')
    return {
      state: 'failed',
      code: 'PROCESSING_FAILED',
      message: 'SameGoal could not process the latest upload.',
    }
  if (latest === 'missing')
    return {
      state: 'failed',
      code: 'EPOCH_MISSING',
      message: 'The latest upload is in neither /upload nor /upload-processed.',
    }
  if (latest === 'stuck')
    return {
      state: 'stuck',
      code: 'EPOCH_STUCK',
      message: 'The latest upload has waited far longer than usual.',
    }
  if (stale)
    return {
      state: 'stale',
      code: 'DISTRICT_STALE',
      message: 'No processed upload recently.',
    }
  if (latest === 'processed-with-problems') return { state: 'problems' }
  if (latest === 'pending') return { state: 'pending' }
  if (latest === 'processed') return { state: 'ok' }

  return { state: 'new' }
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }

  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  )
  return results
}

function isErrorCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && code in errorCatalog
}
