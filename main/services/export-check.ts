import { AppError, toErrorData } from '../../shared/errors'
import type { ExportPreview } from '../../shared/reports'
import type { DistrictSettings } from '../../shared/settings-schema'
import type { ExportCheckReport } from '../../shared/upload-reports'
import type { ServiceContext } from './context'
import { pickExportFile, type ExportFile } from './export-file'
import { delimiterName, scanExport } from './export-scan'
import { readRuns } from './run-history'
import { runSettings } from './run-settings'

/**
 * The checks an export file must pass before anything is sent. The
 * Ascender layout is not public, so only what is safe is checked: plain
 * text, one separator and field count, a record count in line with the
 * last successful run, and a modification time recent enough to be
 * tonight's export.
 */

export interface CheckOptions {
  /** Send a file older than the district's limit, this once. */
  readonly allowStale?: boolean
  /** Send a file with far fewer records than last time, this once. */
  readonly allowDrop?: boolean
}

/** Runs every check; returns what was found or throws the refusal (exit 7). */
export async function checkExport(
  ctx: ServiceContext,
  district: DistrictSettings,
  file: ExportFile,
  options: CheckOptions = {},
): Promise<ExportCheckReport> {
  if (file.bytes === 0) {
    throw new AppError('EXPORT_EMPTY', `The export file ${file.name} is empty.`)
  }

  const settings = runSettings(district)
  const scan = await scanExport(file.path, file.name, file.bytes)
  const hasHeader = looksLikeHeader(scan.firstLine, scan.delimiter)
  const records = scan.lines - (hasHeader ? 1 : 0)
  if (records === 0) {
    throw new AppError(
      'EXPORT_EMPTY',
      `The export file ${file.name} holds a header line and no student records.`,
    )
  }

  checkFreshness(ctx, file, settings.maxAgeHours, options.allowStale === true)
  const previous = await lastSuccessfulRecords(ctx, district.domain)
  if (previous !== undefined && options.allowDrop !== true) {
    checkDrop(file, records, previous, settings.maxDropShare)
  }

  return {
    file: file.path,
    bytes: file.bytes,
    modifiedAt: file.modifiedAt.toISOString(),
    encoding: scan.encoding,
    delimiter: delimiterName(scan.delimiter),
    fields: scan.fields,
    records,
    hasHeader,
    warnings: nameWarnings(district, file.name),
  }
}

/** What the wizard shows in step 4: the file it would take now and its checks. */
export async function previewExport(
  ctx: ServiceContext,
  district: DistrictSettings,
): Promise<ExportPreview> {
  const base = { folder: district.exportDir ?? '', pattern: district.pattern }
  const file = await pickExportFile(district, undefined, ctx.now())
  const found = {
    ...base,
    file: file.path,
    bytes: file.bytes,
    modifiedAt: file.modifiedAt.toISOString(),
  }

  try {
    return { ...found, checks: await checkExport(ctx, district, file) }
  } catch (error) {
    return { ...found, refusal: toErrorData(error) }
  }
}

function checkFreshness(
  ctx: ServiceContext,
  file: ExportFile,
  maxAgeHours: number,
  allowed: boolean,
): void {
  const ageHours = (ctx.now().getTime() - file.modifiedAt.getTime()) / 3.6e6
  if (ageHours <= maxAgeHours || allowed) return

  throw new AppError(
    'EXPORT_STALE',
    `The export file ${file.name} was last written ${ageHours.toFixed(1)} hours ago (limit ${maxAgeHours} hours), so it is not tonight's export.`,
    { extra: { ageHours: Math.round(ageHours * 10) / 10, maxAgeHours } },
  )
}

function checkDrop(
  file: ExportFile,
  records: number,
  previous: number,
  maxDropShare: number,
): void {
  if (records >= previous * (1 - maxDropShare)) return

  const share = Math.round((1 - records / previous) * 100)
  throw new AppError(
    'EXPORT_RECORD_DROP',
    `The export file ${file.name} has ${records} records, ${share}% fewer than the ${previous} of the last successful upload. The run is held.`,
    { extra: { records, previousRecords: previous } },
  )
}

async function lastSuccessfulRecords(
  ctx: ServiceContext,
  domain: string,
): Promise<number | undefined> {
  const runs = await readRuns(ctx.layout, domain)
  const last = runs
    .filter((run) => run.result === 'success' && run.records !== undefined)
    .at(-1)

  return last?.records
}

// The 6-digit number in the file name is most likely the county-district
// number, but that is an inference, so a mismatch only warns.
function nameWarnings(district: DistrictSettings, name: string): string[] {
  const inName = /(?:^|\D)(\d{6})(?:\D|$)/.exec(name)?.[1]
  const configured = district.countyDistrict
  if (!inName || !configured || inName === configured) return []

  return [
    `The file name carries ${inName}, but the district's county-district number is ${configured}. Check that this is the right district's export.`,
  ]
}

// A header line names columns: no field of it is a bare number or a date.
function looksLikeHeader(firstLine: string, delimiter: string): boolean {
  const fields = firstLine.split(delimiter).map((f) => f.trim())

  return fields.every((field) => !/^[\d/.\-: ]+$/.test(field) || field === '')
}
