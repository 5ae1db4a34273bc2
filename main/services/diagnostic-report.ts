import { createRequire } from 'node:module'
import { CHECK_PHASES } from '../../shared/check-phases'
import os from 'node:os'
import appPackage from '../../package.json'
import type { ErrorData } from '../../shared/errors'
import type { CheckPhase, CheckReport, ServerKey } from '../../shared/reports'
import type { DistrictSettings } from '../../shared/settings-schema'
import { redactProxyUrl } from './proxy-tunnel'

/**
 * A plain-text account of one connection test that a technician can email
 * to SameGoal: versions, district, server, fingerprints, the phases passed
 * and the one that failed, with its code. Only public facts go in: never
 * private key material, never passphrases, never a proxy password.
 */

export interface CheckOutcome {
  readonly at: string
  readonly report?: CheckReport
  readonly error?: ErrorData
}

/** Builds the report text for a district and its latest test outcome. */
export function diagnosticReport(
  district: DistrictSettings,
  outcome: CheckOutcome | undefined,
): string {
  const lines = [
    'SameGoal Ascender Connector: connection diagnostic report',
    `Created:    ${new Date().toISOString()}`,
    `Program:    ${appPackage.name} ${appPackage.version}, Node ${process.version}, ssh2 ${ssh2Version()}, ${os.platform()} ${os.release()} ${os.arch()}`,
    `District:   ${district.name} (${district.domain})`,
    `Username:   ${district.domain}`,
    `Server:     ${district.host} port ${district.port}`,
    `Proxy:      ${district.proxy ? redactProxyUrl(district.proxy) : 'none'}`,
    `Client key: ${clientKey(district)}`,
    `Key shared: ${district.keyShared ? `${district.keyShared.at} (${district.keyShared.route})` : 'not recorded'}`,
    `Pinned host key: ${district.hostKey ? `${keyLine(district.hostKey)}, pinned ${district.hostKey.pinnedAt}` : 'none yet'}`,
    ...outcomeLines(outcome),
  ]

  return `${scrub(lines).join('\n')}\n`
}

// ssh2 stays outside the bundle, so its version is read where it is installed.
function ssh2Version(): string {
  try {
    const load = createRequire(import.meta.url)
    return (load('ssh2/package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
}

function clientKey(district: DistrictSettings): string {
  const key = district.key
  if (!key) return 'none yet'

  return `${key.type} ${key.bits} ${key.sha256} (${key.md5})`
}

function keyLine(key: ServerKey): string {
  return `${key.type} ${key.sha256} (${key.md5})`
}

function outcomeLines(outcome: CheckOutcome | undefined): string[] {
  if (!outcome) return ['', 'Result:     no connection test was run yet']

  const { report, error } = outcome
  const extra = error?.extra ?? {}
  const passed = report?.phases ?? (extra['phases'] as CheckPhase[]) ?? []
  const failed = error ? (extra['failedPhase'] as CheckPhase) : undefined
  const seen = report?.serverKey ?? (extra['serverKey'] as ServerKey)

  const lines = [
    '',
    `Test run:   ${outcome.at}`,
    `Result:     ${error ? `FAILED ${error.code} (exit ${error.exitCode})` : 'works'}`,
    `Server host key seen: ${seen ? keyLine(seen) : 'not reached'}`,
    'Phases:',
    ...CHECK_PHASES.map(({ id, label }) => {
      const mark =
        id === failed ? 'FAIL' : passed.includes(id) ? 'ok  ' : '--  '
      return `  ${mark} ${id.padEnd(13)} ${label}`
    }),
  ]
  if (error) lines.push(...errorLines(error))
  if (report) lines.push(...folderLines(report))
  return lines
}

function errorLines(error: ErrorData): string[] {
  const causes = (error.extra?.['likelyCauses'] ?? []) as { text: string }[]

  return [
    `Error code: ${error.code}`,
    `Title:      ${error.title}`,
    `Message:    ${error.message}`,
    `What to do: ${error.whatToDo}`,
    ...(error.details ? [`Details:    ${error.details}`] : []),
    ...causes.map((c, i) => `Likely cause ${i + 1}: ${c.text}`),
  ]
}

function folderLines(report: CheckReport): string[] {
  return [
    `/upload:    ${report.upload.epochs} epoch(s) waiting`,
    `/upload-processed: ${report.uploadProcessed.epochs} processed, latest ${report.uploadProcessed.latestEpoch ?? 'none'}${report.lastProcessedAt ? ` at ${report.lastProcessedAt}` : ''}`,
  ]
}

// Library error text is kept as it came; make sure no key block slips in.
function scrub(lines: readonly string[]): string[] {
  return lines.map((line) =>
    /PRIVATE KEY|PuTTY-User-Key-File|Private-Lines/i.test(line)
      ? '(line removed: it looked like key material)'
      : line,
  )
}
