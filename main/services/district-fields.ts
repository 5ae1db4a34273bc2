import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { isCountyDistrictNumber, isTimeOfDay } from '../../shared/domain'
import { AppError } from '../../shared/errors'
import type { DistrictInput } from './district-store'
import { checkProxyUrl } from './proxy-tunnel'

/**
 * The district fields a person types, as text, before they are checked.
 * The CLI's flags and the wizard's forms both arrive here, so a value the
 * command line refuses is refused in the window too, with the same reason.
 */
export interface DistrictFieldText {
  readonly name?: string
  readonly countyDistrict?: string
  readonly host?: string
  readonly port?: string | number
  readonly exportDir?: string
  readonly pattern?: string
  readonly at?: string
  readonly mode?: string
  readonly proxy?: string
}

/** What each field is called in messages: a flag, or a form label. */
export type FieldLabels = Readonly<Record<keyof DistrictFieldText, string>>

/** Labels for messages shown in the wizard. */
export const WIZARD_FIELD_LABELS: FieldLabels = {
  name: 'The district name',
  countyDistrict: 'The county-district number',
  host: 'The server',
  port: 'The port',
  exportDir: 'The export folder',
  pattern: 'The file name pattern',
  at: 'The time of the nightly run',
  mode: 'The upload mode',
  proxy: 'The proxy',
}

/** Checks typed district fields and turns them into settings fields. */
export function checkDistrictFields(
  fields: DistrictFieldText,
  labels: FieldLabels,
  /** relativeFolders: a command line's folder resolves against its cwd. */
  options: { readonly relativeFolders?: boolean } = {},
): DistrictInput {
  const input: { -readonly [K in keyof DistrictInput]: DistrictInput[K] } = {}
  const { name: n, countyDistrict: cdn, host: h, port: p } = fields

  if (n !== undefined) input.name = name(n, labels.name)
  if (cdn !== undefined)
    input.countyDistrict = countyDistrict(cdn, labels.countyDistrict)
  if (h !== undefined) input.host = host(h, labels.host)
  if (p !== undefined) input.port = port(String(p), labels.port)
  if (fields.exportDir !== undefined)
    input.exportDir = exportDir(
      fields.exportDir,
      labels.exportDir,
      options.relativeFolders === true,
    )
  if (fields.pattern !== undefined)
    input.pattern = pattern(fields.pattern, labels.pattern)
  if (fields.at !== undefined) input.at = timeOfDay(fields.at, labels.at)
  if (fields.mode !== undefined) input.mode = mode(fields.mode, labels.mode)
  if (fields.proxy !== undefined)
    input.proxy = proxy(fields.proxy, labels.proxy)

  return input
}

const NAME_MAX = 200

function name(value: string, label: string): string {
  const trimmed = value.trim()
  if (trimmed === '')
    throw invalid(`${label} must not be empty; leave it out to keep the name.`)
  if (trimmed.length > NAME_MAX || hasControlCharacters(trimmed)) {
    throw invalid(
      `${label} must be one line of at most ${NAME_MAX} characters, such as "Foo ISD".`,
    )
  }
  return trimmed
}

// A folder that does not exist yet is allowed (a share mounted later); a
// file where the folder should be never is.
function exportDir(
  value: string,
  label: string,
  relativeAllowed: boolean,
): string {
  if (value.trim() === '')
    throw invalid(`${label} needs the folder where Ascender writes the export.`)

  if (hasControlCharacters(value))
    throw invalid(`${label} must be one line, without control characters.`)
  // Spaces around a pasted path are never part of it; "~" is the shell's
  // and means the home folder.
  const trimmed = value.trim()
  const expanded = /^~(?=$|[/\\])/.test(trimmed)
    ? path.join(os.homedir(), trimmed.slice(1))
    : trimmed
  // Only a command line has a working folder to resolve against.
  if (!relativeAllowed && !path.isAbsolute(expanded)) {
    throw invalid(
      `${label} must be a full path, such as ${process.platform === 'win32' ? 'C:\\Exports\\FooISD' : '/srv/exports/fooisd'}, not "${trimmed}".`,
    )
  }
  const folder = path.resolve(expanded)
  let isFolder = true
  try {
    isFolder = fs.statSync(folder).isDirectory()
  } catch {
    // not there yet
  }
  if (isFolder) return folder

  throw invalid(
    `${label} must be a folder, but ${folder} is a file. Give the folder that holds the export file.`,
  )
}

function hasControlCharacters(value: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(value)
}

function invalid(message: string): AppError {
  return new AppError('INVALID_INPUT', message)
}

function countyDistrict(value: string, label: string): string {
  if (isCountyDistrictNumber(value.trim())) return value.trim()

  throw invalid(
    `${label} must be the 6-digit county-district number (county 001 to 254 first), not "${value}".`,
  )
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/

function host(value: string, label: string): string {
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

  throw invalid(`${label} must be a host name or address, not "${value}".`)
}

function port(value: string, label: string): number {
  // Digits only: Number() would also take 0x16, 2e1 and 1_0 as ports.
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n

  throw invalid(
    `${label} must be a whole number from 1 to 65535, not "${value}".`,
  )
}

function pattern(value: string, label: string): string {
  const trimmed = value.trim()
  const plainName =
    trimmed !== '' &&
    trimmed !== '.' &&
    trimmed !== '..' &&
    !/[/\\]/.test(trimmed) &&
    !hasControlCharacters(trimmed)
  if (plainName) return trimmed

  throw invalid(
    `${label} must be a file name pattern such as TxEISStudent_*.txt, not "${value}".`,
  )
}

function timeOfDay(value: string, label: string): string {
  if (isTimeOfDay(value.trim())) return value.trim()

  throw invalid(
    `${label} must be a time of day as HH:MM (24-hour), not "${value}".`,
  )
}

// "none" clears the proxy; anything else must parse as one.
function proxy(value: string, label: string): string {
  const trimmed = value.trim()
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return ''

  return checkProxyUrl(trimmed, label)
}

function mode(value: string, label: string): 'epoch' | 'direct' {
  if (value === 'epoch' || value === 'direct') return value

  throw invalid(`${label} must be "epoch" or "direct", not "${value}".`)
}
