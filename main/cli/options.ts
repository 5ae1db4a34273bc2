import { AppError } from '../../shared/errors'
import {
  checkDistrictFields,
  type FieldLabels,
} from '../services/district-fields'
import type { DistrictInput } from '../services/district-store'

/** The raw district options as commander hands them over. */
export interface DistrictFlags {
  readonly name?: string
  readonly cdn?: string
  readonly host?: string
  readonly port?: string
  readonly exportDir?: string
  readonly pattern?: string
  readonly at?: string
  readonly mode?: string
  readonly proxy?: string
}

const FLAG_LABELS: FieldLabels = {
  name: '--name',
  countyDistrict: '--cdn',
  host: '--host',
  port: '--port',
  exportDir: '--export-dir',
  pattern: '--pattern',
  at: '--at',
  mode: '--mode',
  proxy: '--proxy',
}

/** Validates district flags and turns them into settings fields. */
export function districtInput(flags: DistrictFlags): DistrictInput {
  const { cdn, ...rest } = flags
  return checkDistrictFields(
    { ...rest, ...(cdn === undefined ? {} : { countyDistrict: cdn }) },
    FLAG_LABELS,
    { relativeFolders: true },
  )
}

function invalid(message: string): AppError {
  return new AppError('INVALID_INPUT', message)
}

/** Parses a whole number of seconds. */
export function seconds(value: string, flag: string): number {
  // Number('') is 0, so an empty value would silently mean "no wait".
  const n = value.trim() === '' ? NaN : Number(value)
  if (Number.isFinite(n) && n >= 0) return n

  throw invalid(`${flag} must be a number of seconds, not "${value}".`)
}
