import type { ScheduleView } from '../../../shared/schedule'
import { shellQuote } from '../../services/schedule/linux-cron'
import { quoteWindowsArg } from '../../services/schedule/windows-task-xml'

/** The text lines of `schedule show` and `schedule install`. */
export function viewLines(view: ScheduleView): string[] {
  const lines = [
    `Schedule:    ${view.domain} on ${view.platform} (${view.backend})`,
    `Registered:  ${view.installed ? `yes, as ${view.name}` : 'no'}`,
    `Runs at:     ${view.at} every night`,
    `Command:     ${commandLine(view.command.program, view.command.args)}`,
    `Folder:      ${view.command.workingDirectory}`,
  ]
  if (view.state) lines.push(`State:       ${view.state}`)
  lines.push(`Last run:    ${view.lastRunAt ?? 'never'}`)
  if (view.lastResult) lines.push(`Last result: ${view.lastResult}`)
  if (view.nextRunAt) lines.push(`Next run:    ${view.nextRunAt}`)
  for (const warning of view.warnings) lines.push(`Warning:     ${warning}`)
  if (view.needsRepair)
    lines.push(`Repair:      run "schedule install ${view.domain}" to fix it.`)
  if (!view.installed && !view.practice)
    lines.push(`Install it with: schedule install ${view.domain}`)

  return lines
}

/** A command line as this platform's shell would take it, for showing. */
export function commandLine(program: string, args: readonly string[]): string {
  const quote = process.platform === 'win32' ? quoteWindowsArg : shellQuote
  return [program, ...args].map((word) => quote(word)).join(' ')
}
