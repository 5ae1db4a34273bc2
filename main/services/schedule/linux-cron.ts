import path from 'node:path'
import { AppError } from '../../../shared/errors'
import type { ScheduledCommand } from '../../../shared/schedule'
import type { CommandResult } from './command-runner'
import { UNIT_PREFIX, type ScheduleSpec } from './model'
import type { RegisteredTask, SchedulerHost } from './platform'

/**
 * The crontab fallback: one block per district between marker comments.
 * Only our own block is ever changed; every other line of the user's
 * crontab is written back exactly as it was.
 */

/** The marker comments around a district's block. */
export function cronMarkers(domain: string): { begin: string; end: string } {
  return {
    begin: `# BEGIN ${UNIT_PREFIX} ${domain}`,
    end: `# END ${UNIT_PREFIX} ${domain}`,
  }
}

/** The block as it goes into the crontab. */
export function renderCronBlock(spec: ScheduleSpec): string {
  const { begin, end } = cronMarkers(spec.domain)
  const log = path.join(spec.logsDir, `cron-${spec.domain}.log`)
  const line = [
    `${spec.minute} ${spec.hour} * * *`,
    cronCommand(spec.command),
    `>> ${shellQuote(log)} 2>&1`,
  ].join(' ')

  return [
    begin,
    '# Nightly SameGoal upload; change it with "schedule install" or "schedule remove".',
    escapePercent(line),
    end,
  ].join('\n')
}

/** The command as /bin/sh runs it: env assignments, then quoted words. */
export function cronCommand(command: ScheduledCommand): string {
  const env = Object.entries(command.env).map(
    ([name, value]) => `${name}=${shellQuote(value)}`,
  )
  const words = [command.program, ...command.args].map(shellQuote)

  return [
    `cd ${shellQuote(command.workingDirectory)} &&`,
    ...env,
    ...words,
  ].join(' ')
}

/** Single-quotes a word for /bin/sh; refuses what a crontab line cannot hold. */
export function shellQuote(word: string): string {
  if (/[\n\r]/.test(word)) {
    throw new AppError(
      'INVALID_INPUT',
      'A path for the schedule contains a line break, which a crontab line cannot hold. Move the app or the home folder to a plain path.',
    )
  }
  return `'${word.replace(/'/g, `'\\''`)}'`
}

// cron turns an unescaped % into a line break before the shell sees it.
function escapePercent(line: string): string {
  return line.replace(/%/g, '\\%')
}

/** The crontab with this district's block replaced, added or removed. */
export function editCrontab(
  current: string,
  domain: string,
  block: string | undefined,
): string {
  let kept = current.split('\n')
  // Every copy goes: a hand-edited crontab may hold the block twice.
  for (let range = blockRange(kept, domain); range;) {
    kept = [...kept.slice(0, range.start), ...kept.slice(range.stop + 1)]
    range = blockRange(kept, domain)
  }

  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop()
  if (block) kept.push(block)
  return kept.length > 0 ? `${kept.join('\n')}\n` : ''
}

interface BlockRange {
  readonly start: number
  /** The END line, or the block's last line when END was deleted. */
  readonly stop: number
  readonly complete: boolean
}

/**
 * Where this district's block is. A block whose END line was deleted by
 * hand still runs every night, so it is still found: it ends after its
 * own comment and entry lines.
 */
function blockRange(
  lines: readonly string[],
  domain: string,
): BlockRange | undefined {
  const { begin, end } = cronMarkers(domain)
  const start = lines.indexOf(begin)
  if (start === -1) return undefined

  const stop = lines.indexOf(end, start)
  if (stop !== -1) return { start, stop, complete: true }

  const ours = `'nightly' ${shellQuote(domain)}`
  let last = start
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const marker =
      line.startsWith(`# BEGIN ${UNIT_PREFIX} `) ||
      line.startsWith(`# END ${UNIT_PREFIX} `)
    const belongs = (line.startsWith('#') && !marker) || line.includes(ours)
    if (!belongs) break
    last = i
  }
  return { start, stop: last, complete: false }
}

/** Finds this district's block and reads back its time and program. */
export function readCronBlock(
  crontab: string,
  domain: string,
): RegisteredTask | undefined {
  const lines = crontab.split('\n')
  const range = blockRange(lines, domain)
  if (!range) return undefined

  const entry = lines
    .slice(range.start + 1, range.complete ? range.stop : range.stop + 1)
    .find((line) => line.trim() && !line.startsWith('#'))
  const match = entry ? /^(\d+) (\d+) \* \* \* (.*)$/.exec(entry) : null
  if (!match || !range.complete)
    return {
      ...(match ? { at: atOf(match) } : {}),
      state: 'damaged',
      warnings: ['The crontab block is damaged; run schedule install again.'],
    }

  const words = splitQuoted(match[3] ?? '')
  const program = words.slice(3).find((w) => !/^[A-Z_]+=/.test(w))
  return {
    ...(program ? { program } : {}),
    at: atOf(match),
    state: 'in crontab',
  }
}

function atOf(match: RegExpExecArray): string {
  return `${match[2]?.padStart(2, '0')}:${match[1]?.padStart(2, '0')}`
}

// Reads back words in the quoting this module writes.
function splitQuoted(text: string): string[] {
  const unescaped = text.replace(/\\%/g, '%')
  const words: string[] = []
  const pattern = /([A-Z_]+=)?'((?:[^']|'\\'')*)'|(\S+)/g

  for (const match of unescaped.matchAll(pattern)) {
    const quoted = match[2]?.replace(/'\\''/g, "'")
    words.push(
      quoted !== undefined ? `${match[1] ?? ''}${quoted}` : (match[3] ?? ''),
    )
  }
  return words
}

/** Reads the user's crontab; none yet reads as empty. */
export async function readCrontab(host: SchedulerHost): Promise<string> {
  const result = await host.runner('crontab', ['-l'])
  if (result.code === 0) return result.stdout
  if (/no crontab/i.test(result.stderr)) return ''

  throw crontabError('read', result)
}

/** Replaces the user's crontab with the given text. */
export async function writeCrontab(
  host: SchedulerHost,
  text: string,
): Promise<void> {
  const result = await host.runner('crontab', ['-'], { input: text })
  if (result.code !== 0 || result.startError)
    throw crontabError('write', result)
}

/** Removes the user's crontab; one that is already gone is fine. */
export async function removeCrontab(host: SchedulerHost): Promise<void> {
  const result = await host.runner('crontab', ['-r'])
  if (result.code === 0 || /no crontab/i.test(result.stderr)) return
  throw crontabError('remove', result)
}

function crontabError(action: string, result: CommandResult): AppError {
  const details = result.startError ?? result.stderr.trim()
  if (result.startError) {
    return new AppError(
      'SCHEDULER_UNAVAILABLE',
      'The crontab command could not be started. Install cron (Debian: apt-get install cron), then install the schedule again.',
      { details },
    )
  }
  const denied = /not allowed|permission denied/i.test(details)
  return new AppError(
    denied ? 'SCHEDULE_ACCESS_DENIED' : 'SCHEDULE_FAILED',
    `crontab could not ${action} this user\u2019s crontab (exit code ${result.code}).`,
    { details },
  )
}
