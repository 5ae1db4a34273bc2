import fs from 'node:fs'
import net from 'node:net'
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

  if (flags.name !== undefined) input.name = name(flags.name)
  if (flags.cdn !== undefined) input.countyDistrict = countyDistrict(flags.cdn)
  if (flags.host !== undefined) input.host = host(flags.host)
  if (flags.port !== undefined) input.port = port(flags.port)
  if (flags.exportDir !== undefined)
    input.exportDir = exportDir(flags.exportDir)
  if (flags.pattern !== undefined) input.pattern = pattern(flags.pattern)
  if (flags.at !== undefined) input.at = timeOfDay(flags.at)
  if (flags.mode !== undefined) input.mode = mode(flags.mode)
  if (flags.proxy !== undefined) input.proxy = proxy(flags.proxy)

  return input
}

const NAME_MAX = 200

function name(value: string): string {
  const trimmed = value.trim()
  if (trimmed === '')
    throw invalid('--name must not be empty; leave it out to keep the name.')
  if (trimmed.length > NAME_MAX || hasControlCharacters(trimmed)) {
    throw invalid(
      `--name must be one line of at most ${NAME_MAX} characters, such as "Foo ISD".`,
    )
  }
  return trimmed
}

// A folder that does not exist yet is allowed (a share mounted later); a
// file where the folder should be never is.
function exportDir(value: string): string {
  if (value.trim() === '')
    throw invalid(
      '--export-dir needs the folder where Ascender writes the export.',
    )

  const folder = path.resolve(value)
  let isFolder = true
  try {
    isFolder = fs.statSync(folder).isDirectory()
  } catch {
    // not there yet
  }
  if (isFolder) return folder

  throw invalid(
    `--export-dir must be a folder, but ${folder} is a file. Give the folder that holds the export file.`,
  )
}

function hasControlCharacters(value: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(value)
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

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/

function host(value: string): string {
  const trimmed = value.trim().replace(/\.$/, '')
  if (net.isIP(trimmed) !== 0) return trimmed
  const labels = trimmed.split('.')
  // All-digit names that are not addresses (999.1.1.1) are typing mistakes.
  const numeric = labels.every((label) => /^\d+$/.test(label))
  if (
    trimmed.length <= 253 &&
    !numeric &&
    labels.every((label) => HOST_LABEL.test(label))
  )
    return trimmed

  throw invalid(`--host must be a host name or address, not "${value}".`)
}

function port(value: string): number {
  // Digits only: Number() would also take 0x16, 2e1 and 1_0 as ports.
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n

  throw invalid(
    `--port must be a whole number from 1 to 65535, not "${value}".`,
  )
}

function pattern(value: string): string {
  const trimmed = value.trim()
  const plainName =
    trimmed !== '' &&
    trimmed !== '.' &&
    trimmed !== '..' &&
    !/[/\\]/.test(trimmed) &&
    !hasControlCharacters(trimmed)
  if (plainName) return trimmed

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
  // Number('') is 0, so an empty value would silently mean "no wait".
  const n = value.trim() === '' ? NaN : Number(value)
  if (Number.isFinite(n) && n >= 0) return n

  throw invalid(`${flag} must be a number of seconds, not "${value}".`)
}
