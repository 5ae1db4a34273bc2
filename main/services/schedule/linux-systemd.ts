import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../../shared/errors'
import type { CommandResult } from './command-runner'
import { RUN_TIME_LIMIT_HOURS, UNIT_PREFIX, type ScheduleSpec } from './model'
import type { RegisteredTask, SchedulerHost } from './platform'

/**
 * A systemd user timer with Persistent=true, so a night missed while the
 * machine was off runs once at the next boot. Only chosen where the user
 * manager keeps running while the user is logged out (lingering).
 */

/** The unit names for a district. */
export function unitNames(domain: string): { service: string; timer: string } {
  const base = `${UNIT_PREFIX}-${domain}`
  return { service: `${base}.service`, timer: `${base}.timer` }
}

/** Renders the service and timer unit files. */
export function renderUnits(spec: ScheduleSpec): {
  service: string
  timer: string
} {
  const names = unitNames(spec.domain)
  const { command } = spec
  const exec = [command.program, ...command.args].map(unitQuote).join(' ')
  const env = Object.entries(command.env).map(
    ([name, value]) => `Environment=${unitQuote(`${name}=${value}`)}`,
  )
  const at = `${pad(spec.hour)}:${pad(spec.minute)}:00`

  const service = [
    '[Unit]',
    `Description=Nightly SameGoal upload for ${spec.domain}`,
    '',
    '[Service]',
    'Type=oneshot',
    // %-specifiers are expanded here, $VARIABLES are not.
    `WorkingDirectory=${command.workingDirectory.replace(/%/g, '%%')}`,
    ...env,
    `ExecStart=${exec}`,
    `TimeoutStartSec=${RUN_TIME_LIMIT_HOURS}h`,
    '',
  ].join('\n')
  const timer = [
    '[Unit]',
    `Description=Nightly SameGoal upload for ${spec.domain} at ${spec.at}`,
    '',
    '[Timer]',
    `OnCalendar=*-*-* ${at}`,
    'Persistent=true',
    `Unit=${names.service}`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n')
  return { service, timer }
}

/** Quotes one word for ExecStart= or Environment=. */
export function unitQuote(word: string): string {
  const escaped = unitEscape(word).replace(/\\/g, '\\\\').replace(/"/g, '\\"')
  return `"${escaped.replace(/\n/g, '\\n')}"`
}

// systemd expands %-specifiers and $VARIABLES in these lines.
function unitEscape(text: string): string {
  return text.replace(/%/g, '%%').replace(/\$/g, '$$$$')
}

/** Writes the units and enables the timer. */
export async function installUnits(
  host: SchedulerHost,
  spec: ScheduleSpec,
): Promise<void> {
  const dir = unitDir(host)
  const names = unitNames(spec.domain)
  const units = renderUnits(spec)

  await fs.mkdir(dir, { recursive: true })
  await fs.writeFile(path.join(dir, names.service), units.service)
  await fs.writeFile(path.join(dir, names.timer), units.timer)
  await systemctl(host, ['daemon-reload'])
  await systemctl(host, ['enable', '--now', names.timer])
}

/** Stops and removes the units; false when there were none. */
export async function removeUnits(
  host: SchedulerHost,
  domain: string,
): Promise<boolean> {
  const names = unitNames(domain)
  const timerFile = path.join(unitDir(host), names.timer)
  const present = await fs.access(timerFile).then(
    () => true,
    () => false,
  )
  if (!present) return false

  await host.runner('systemctl', ['--user', 'disable', '--now', names.timer])
  await fs.rm(timerFile, { force: true })
  await fs.rm(path.join(unitDir(host), names.service), { force: true })
  await host.runner('systemctl', ['--user', 'daemon-reload'])
  return true
}

/** Reads the timer's state back from the unit files and systemctl. */
export async function queryUnits(
  host: SchedulerHost,
  domain: string,
): Promise<RegisteredTask | undefined> {
  const names = unitNames(domain)
  let service: string
  try {
    service = await fs.readFile(path.join(unitDir(host), names.service), 'utf8')
  } catch {
    return undefined
  }

  const exec = /^ExecStart="((?:[^"\\]|\\.)*)"/m.exec(service)
  const program = exec?.[1]
    ?.replace(/\\(.)/g, '$1')
    .replace(/%%/g, '%')
    .replace(/\$\$/g, '$')
  const shown = await host.runner('systemctl', [
    '--user',
    'show',
    names.timer,
    '--property=ActiveState,NextElapseUSecRealtime,LastTriggerUSec',
  ])
  const fields = new Map(
    shown.stdout
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string])
      .filter(([, value]) => value !== undefined && value !== ''),
  )
  const next = fields.get('NextElapseUSecRealtime')
  const last = fields.get('LastTriggerUSec')

  return {
    ...(program ? { program } : {}),
    state: fields.get('ActiveState') ?? 'unknown',
    ...(next && next !== 'n/a' ? { nextRunAt: next } : {}),
    ...(last && last !== 'n/a' ? { lastRunAt: last } : {}),
  }
}

async function systemctl(
  host: SchedulerHost,
  args: readonly string[],
): Promise<CommandResult> {
  const result = await host.runner('systemctl', ['--user', ...args])
  if (result.code === 0 && !result.startError) return result

  throw new AppError(
    'SCHEDULE_FAILED',
    `systemctl --user ${args.join(' ')} failed (exit code ${result.code}).`,
    { details: result.startError ?? result.stderr.trim() },
  )
}

function unitDir(host: SchedulerHost): string {
  return path.join(host.userHome, '.config', 'systemd', 'user')
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
