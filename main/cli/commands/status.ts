import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import type { EpochStatus, StatusReport } from '../../../shared/reports'
import { readStatus, waitForStatus } from '../../services/processing-status'
import { seconds } from '../options'
import type { CliContext } from '../program'
import { fleetOutput, type FleetFlags } from './status-all'

/** `status <domain>`: what SameGoal made of the latest uploads; `status --all`: every district. */
export function registerStatusCommand(program: Command, cli: CliContext): void {
  program
    .command('status [domain]')
    .description(
      'show whether SameGoal processed the latest uploaded epochs (--all: every district)',
    )
    .option('--wait <seconds>', 'wait until the latest epoch leaves pending')
    .option('--all', 'every district of this home, one row each')
    .option('--offline', 'with --all: recorded facts only, no connecting')
    .option(
      '--state <states>',
      'with --all: only these states, comma-separated',
    )
    .option('--sort <state|name|age>', 'with --all: order of the rows')
    .option('--alert', 'with --all: email the districts that need attention')
    .action(
      cli.run(
        async (
          domain: string | undefined,
          flags: FleetFlags & { wait?: string; all?: boolean },
        ) => {
          if (flags.all && domain !== undefined)
            throw new AppError(
              'USAGE',
              `Name one district (status ${domain}) or pass --all, not both.`,
            )
          const ctx = cli.ctx()
          if (flags.all) return fleetOutput(ctx, flags)
          if (!domain)
            throw new AppError(
              'USAGE',
              'Name a district (status <domain>) or pass --all.',
            )

          const report =
            flags.wait !== undefined
              ? await waitForStatus(ctx, domain, seconds(flags.wait, '--wait'))
              : await readStatus(ctx, domain)

          if (report.latest?.state === 'failed') {
            throw new AppError(
              'PROCESSING_FAILED',
              `SameGoal could not process epoch ${report.latest.epoch}: ${errorSummary(report.latest)}`,
              { extra: { ...report } },
            )
          }
          return { json: { ...report }, text: statusText(report) }
        },
      ),
    )
}

/** The text form of one district's status report. */
export function statusText(report: StatusReport): string[] {
  if (report.epochs.length === 0)
    return [`No uploads recorded for ${report.domain} yet.`]

  const lines = report.epochs.flatMap((e) => {
    const where = e.location ? ` in ${e.location}` : ''
    const name = e.epoch || '(direct upload, not in an epoch yet)'
    return [
      `${name}: ${stateWords(e)}${where}`,
      ...countLine(e),
      ...(e.warnings ?? []).map((w) => `  Warning: ${w}`),
      ...e.errorFiles.flatMap((f) => [
        `  ${f.name}:`,
        ...f.firstLines.map((l) => `    ${l}`),
      ]),
    ]
  })
  // Thousands of left-overs would bury the report; the JSON keeps them all.
  const leftovers = report.leftovers ?? []
  for (const left of leftovers.slice(0, LEFTOVER_LINES))
    lines.push(
      `${left.epoch}: left-over of a crashed run (no COMPLETE, ${left.ageHours} h old) in /upload`,
    )
  if (leftovers.length > LEFTOVER_LINES)
    lines.push(
      `... and ${leftovers.length - LEFTOVER_LINES} more left-over folder(s) in /upload (all are listed with --json).`,
    )
  if (report.foreignCount)
    lines.push(
      `${report.foreignCount} other epoch(s) in the account were not uploaded from here (latest ${report.foreign?.[0]?.epoch}).`,
    )
  return lines
}

const LEFTOVER_LINES = 10

function countLine(e: EpochStatus): string[] {
  if (!e.rows && e.exportRecords === undefined) return []

  const parts = [
    e.exportRecords !== undefined ? `export ${e.exportRecords} records` : '',
    e.rows?.students !== undefined
      ? `students.csv ${e.rows.students} rows`
      : '',
    e.rows?.guardians !== undefined
      ? `guardians.csv ${e.rows.guardians} rows`
      : '',
  ].filter(Boolean)
  return parts.length ? [`  ${parts.join(', ')}`] : []
}

function stateWords(e: EpochStatus): string {
  switch (e.state) {
    case 'processed':
      return 'processed'
    case 'processed-with-problems':
      return `processed with problems: ${errorSummary(e)}`
    case 'failed':
      return `failed: ${errorSummary(e)}`
    case 'pending':
      return 'pending (waiting for SameGoal to process it)'
    case 'stuck':
      return `stuck (waiting ${e.pendingHours ?? '?'} h, far longer than usual)`
    case 'missing':
      return 'missing (not found in /upload or /upload-processed)'
  }
}

function errorSummary(e: EpochStatus): string {
  const first = e.errorFiles[0]
  if (!first) return 'no result files and no error text'

  return `${first.name}: ${first.firstLines[0] ?? '(empty)'}`
}
