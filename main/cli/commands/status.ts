import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import type { EpochStatus, StatusReport } from '../../../shared/reports'
import { readStatus, waitForStatus } from '../../services/processing-status'
import { seconds } from '../options'
import type { CliContext } from '../program'

/** `status <domain>`: what SameGoal made of the latest uploads. */
export function registerStatusCommand(program: Command, cli: CliContext): void {
  program
    .command('status <domain>')
    .description('show whether SameGoal processed the latest uploaded epochs')
    .option('--wait <seconds>', 'wait until the latest epoch leaves pending')
    .action(
      cli.run(async (domain: string, flags: { wait?: string }) => {
        const ctx = cli.ctx()
        const report = flags.wait
          ? await waitForStatus(ctx, domain, seconds(flags.wait, '--wait'))
          : await readStatus(ctx, domain)

        if (report.latest?.state === 'failed') {
          throw new AppError(
            'PROCESSING_FAILED',
            `SameGoal could not process epoch ${report.latest.epoch}: ${errorSummary(report.latest)}`,
            {
              extra: { ...report },
            },
          )
        }
        return { json: { ...report }, text: statusText(report) }
      }),
    )
}

function statusText(report: StatusReport): string[] {
  if (report.epochs.length === 0)
    return [`No uploads recorded for ${report.domain} yet.`]

  return report.epochs.flatMap((e) => {
    const where = e.location ? ` in ${e.location}` : ''
    const line = `${e.epoch}: ${stateWords(e)}${where}`
    return [
      line,
      ...e.errorFiles.flatMap((f) => [
        `  ${f.name}:`,
        ...f.firstLines.map((l) => `    ${l}`),
      ]),
    ]
  })
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
    case 'missing':
      return 'missing (not found in /upload or /upload-processed)'
  }
}

function errorSummary(e: EpochStatus): string {
  const first = e.errorFiles[0]
  if (!first) return 'no result files and no error text'

  return `${first.name}: ${first.firstLines[0] ?? '(empty)'}`
}
