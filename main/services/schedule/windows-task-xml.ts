import { create } from 'xmlbuilder2'
import { RUN_TIME_LIMIT_HOURS, TASK_FOLDER, type ScheduleSpec } from './model'

/**
 * The Task Scheduler task for one district, as task XML. Values are
 * escaped by the XML library; the program and its arguments are separate
 * elements so a path with spaces or quotes is never split.
 */

const TASK_NS = 'http://schemas.microsoft.com/windows/2004/02/mit/task'

/**
 * S4U runs while logged off without storing a password, but the run has no
 * network credentials (no mapped drives or shares). Password stores the
 * password with the task and can reach shares. Both need the account to
 * hold the "Log on as a batch job" right.
 */
export type WindowsLogonType = 'S4U' | 'Password'

export interface WindowsPrincipal {
  /** DOMAIN\\user or user; the account the task runs as. */
  readonly userId: string
  readonly logonType: WindowsLogonType
}

/** The task's full path in Task Scheduler: its own folder, one per district. */
export function windowsTaskName(domain: string): string {
  return `${TASK_FOLDER}\\${domain}`
}

/** Renders the task XML as text (the declaration says UTF-16). */
export function renderTaskXml(
  spec: ScheduleSpec,
  principal: WindowsPrincipal,
): string {
  const { command } = spec
  const start = `2026-01-01T${pad(spec.hour)}:${pad(spec.minute)}:00`
  const task = create({ version: '1.0', encoding: 'UTF-16' }).ele(
    TASK_NS,
    'Task',
    { version: '1.2' },
  )

  task
    .ele('RegistrationInfo')
    .ele('Description')
    .txt(`Nightly SameGoal upload for ${spec.domain} at ${spec.at}.`)
    .up()
    .ele('URI')
    .txt(windowsTaskName(spec.domain))

  task
    .ele('Triggers')
    .ele('CalendarTrigger')
    .ele('StartBoundary')
    .txt(start)
    .up()
    .ele('Enabled')
    .txt('true')
    .up()
    .ele('ScheduleByDay')
    .ele('DaysInterval')
    .txt('1')

  task
    .ele('Principals')
    .ele('Principal', { id: 'Author' })
    .ele('UserId')
    .txt(principal.userId)
    .up()
    .ele('LogonType')
    .txt(principal.logonType)
    .up()
    .ele('RunLevel')
    .txt('LeastPrivilege')

  addSettings(task.ele('Settings'))

  const exec = task.ele('Actions', { Context: 'Author' }).ele('Exec')
  exec.ele('Command').txt(command.program)
  exec.ele('Arguments').txt(command.args.map(quoteWindowsArg).join(' '))
  exec.ele('WorkingDirectory').txt(command.workingDirectory)

  return task.end({ prettyPrint: true })
}

type Element = ReturnType<typeof create>

function addSettings(settings: Element): void {
  const values: [string, string][] = [
    ['MultipleInstancesPolicy', 'IgnoreNew'],
    ['DisallowStartIfOnBatteries', 'false'],
    ['StopIfGoingOnBatteries', 'false'],
    ['AllowHardTerminate', 'true'],
    // A night missed while the computer was off or asleep runs on wake.
    ['StartWhenAvailable', 'true'],
    ['RunOnlyIfNetworkAvailable', 'true'],
    ['AllowStartOnDemand', 'true'],
    ['Enabled', 'true'],
    ['Hidden', 'false'],
    ['RunOnlyIfIdle', 'false'],
    ['WakeToRun', 'false'],
    ['ExecutionTimeLimit', `PT${RUN_TIME_LIMIT_HOURS}H`],
    ['Priority', '7'],
  ]
  for (const [name, value] of values) settings.ele(name).txt(value)
}

/** The task file's bytes: UTF-16 little-endian with a byte-order mark. */
export function encodeTaskXml(xml: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')])
}

/**
 * Quotes one argument so Windows' command-line splitting (the rules Node
 * and Electron both use) gives it back unchanged.
 */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg

  let quoted = '"'
  let slashes = 0
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++
      continue
    }
    const keep = ch === '"' ? slashes * 2 + 1 : slashes
    quoted += '\\'.repeat(keep) + ch
    slashes = 0
  }
  return `${quoted}${'\\'.repeat(slashes * 2)}"`
}

/** Splits a Windows command line the way the C runtime does. */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = []
  let current = ''
  let inQuotes = false
  let started = false

  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i)
    if (ch === '\\') {
      let slashes = 0
      while (line.charAt(i) === '\\') {
        slashes++
        i++
      }
      if (line.charAt(i) === '"') {
        current += '\\'.repeat(Math.floor(slashes / 2))
        if (slashes % 2 === 1) current += '"'
        else inQuotes = !inQuotes
      } else {
        current += '\\'.repeat(slashes)
        i--
      }
      started = true
    } else if (ch === '"') {
      inQuotes = !inQuotes
      started = true
    } else if (/\s/.test(ch) && !inQuotes) {
      if (started) args.push(current)
      current = ''
      started = false
    } else {
      current += ch
      started = true
    }
  }
  if (started) args.push(current)
  return args
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
