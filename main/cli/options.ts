import path from 'node:path'
import { isCountyDistrictNumber, isTimeOfDay } from '../../shared/domain'
import { AppError } from '../../shared/errors'
import type { DistrictInput } from '../services/district-store'
import { parseProxyUrl } from '../services/proxy-tunnel'

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

/** Validates district flags and turns them into settings fields. */
export function districtInput(flags: DistrictFlags): DistrictInput {
  const input: { -readonly [K in keyof DistrictInput]: DistrictInput[K] } = {}

  if (flags.name !== undefined) input.name = flags.name.trim()
  if (flags.cdn !== undefined) input.countyDistrict = countyDistrict(flags.cdn)
  if (flags.host !== undefined) input.host = host(flags.host)
  if (flags.port !== undefined) input.port = port(flags.port)
  if (flags.exportDir !== undefined)
    input.exportDir = path.resolve(flags.exportDir)
  if (flags.pattern !== undefined) input.pattern = pattern(flags.pattern)
  if (flags.at !== undefined) input.at = timeOfDay(flags.at)
  if (flags.mode !== undefined) input.mode = mode(flags.mode)
  if (flags.proxy !== undefined) input.proxy = proxy(flags.proxy)

  return input
}

function invalid(message: string): AppError {
  return new AppError('INVALID_INPUT', message)
}

function countyDistrict(value: string): string {
  if (isCountyDistrictNumber(value.trim())) return value.trim()

  throw invalid(
    `--cdn must be the 6-digit county-district number (county 001 to 254 first), not "${value}".`,
  )
}

function host(value: string): string {
  const trimmed = value.trim()
  if (/^[A-Za-z0-9.-]+$/.test(trimmed) || /^[0-9a-fA-F:]+$/.test(trimmed))
    return trimmed

  throw invalid(`--host must be a host name or address, not "${value}".`)
}

function port(value: string): number {
  const n = Number(value)
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n

  throw invalid(
    `--port must be a whole number from 1 to 65535, not "${value}".`,
  )
}

function pattern(value: string): string {
  const trimmed = value.trim()
  if (trimmed && !trimmed.includes('/') && !trimmed.includes('\\'))
    return trimmed

  throw invalid(
    `--pattern must be a file name pattern such as TxEISStudent_*.txt, not "${value}".`,
  )
}

function timeOfDay(value: string): string {
  if (isTimeOfDay(value.trim())) return value.trim()

  throw invalid(
    `--at must be a time of day as HH:MM (24-hour), not "${value}".`,
  )
}

// "none" clears the proxy; anything else must parse as one.
function proxy(value: string): string {
  const trimmed = value.trim()
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return ''

  parseProxyUrl(trimmed)
  return trimmed
}

function mode(value: string): 'epoch' | 'direct' {
  if (value === 'epoch' || value === 'direct') return value

  throw invalid(`--mode must be "epoch" or "direct", not "${value}".`)
}

/** Parses a whole number of seconds. */
export function seconds(value: string, flag: string): number {
  const n = Number(value)
  if (Number.isFinite(n) && n >= 0) return n

  throw invalid(`${flag} must be a number of seconds, not "${value}".`)
}
