import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../../shared/errors'
import type { CommandResult } from './command-runner'
import type { ScheduleSpec } from './model'
import type {
  PlatformScheduler,
  RegisteredTask,
  SchedulerHost,
} from './platform'
import {
  encodeTaskXml,
  renderTaskXml,
  splitWindowsCommandLine,
  windowsTaskName,
  type WindowsPrincipal,
} from './windows-task-xml'
import { describeLastResult, parseTaskList } from './windows-query'

/**
 * Windows Task Scheduler through schtasks: the task XML is written to a
 * temporary file, registered in a folder of its own, and read back at once
 * so a registration that will not run is reported, never a false success.
 */

export interface WindowsOptions extends WindowsPrincipal {
  /** Only for the Password logon type; never logged. */
  readonly password?: string
}

/** The Task Scheduler module for one account. */
export function windowsScheduler(
  host: SchedulerHost,
  options: WindowsOptions,
): PlatformScheduler {
  const principal = { userId: options.userId, logonType: options.logonType }

  const query = async (domain: string) => {
    const name = windowsTaskName(domain)
    const found = await host.runner('schtasks', [
      '/Query',
      '/TN',
      name,
      '/V',
      '/FO',
      'LIST',
    ])
    if (found.code !== 0 && isNotFound(found)) return undefined
    if (found.code !== 0) throw schtasksError('read back', found)

    return taskFromList(found.stdout)
  }

  return {
    platform: 'windows',
    backend: 'task-scheduler',
    name: windowsTaskName,
    render: (spec) => [
      {
        name: `${spec.domain}.xml`,
        content: renderTaskXml(spec, principal),
      },
    ],
    install: async (spec) => {
      await register(host, spec, options)
      const task = await query(spec.domain)
      if (!task) {
        throw new AppError(
          'SCHEDULE_FAILED',
          `schtasks reported success, but the task ${windowsTaskName(spec.domain)} cannot be found.`,
        )
      }
      return [...(task.warnings ?? []), ...logonWarnings(options)]
    },
    remove: async (domain) => {
      const args = ['/Delete', '/TN', windowsTaskName(domain), '/F']
      const result = await host.runner('schtasks', args)
      if (result.code === 0) return true
      if (isNotFound(result)) return false

      throw schtasksError('remove', result)
    },
    query,
    warnings: async () => logonWarnings(options),
  }
}

async function register(
  host: SchedulerHost,
  spec: ScheduleSpec,
  options: WindowsOptions,
): Promise<void> {
  const xml = renderTaskXml(spec, options)
  const file = path.join(
    host.tempDir,
    `samegoal-task-${crypto.randomUUID()}.xml`,
  )
  const args = ['/Create', '/XML', file, '/TN', windowsTaskName(spec.domain)]
  const secretArgs: number[] = []

  if (options.logonType === 'Password') {
    if (!options.password) {
      throw new AppError(
        'INVALID_INPUT',
        'The Password logon type needs the account\u2019s password (--password-stdin).',
      )
    }
    args.push('/RU', options.userId, '/RP', options.password)
    secretArgs.push(args.length - 1)
  }
  args.push('/F')

  await fs.writeFile(file, encodeTaskXml(xml), { mode: 0o600 })
  try {
    const result = await host.runner('schtasks', args, { secretArgs })
    if (result.code !== 0 || result.startError)
      throw schtasksError('register', result)
  } finally {
    await fs.rm(file, { force: true })
  }
}

function taskFromList(stdout: string): RegisteredTask {
  const fields = parseTaskList(stdout)
  const toRun = fields.get('Task To Run')
  const args = toRun ? splitWindowsCommandLine(toRun) : []
  const lastResult = fields.get('Last Result')
  const state = fields.get('Scheduled Task State') ?? fields.get('Status')
  const warnings: string[] = []

  const described = lastResult ? describeLastResult(lastResult) : undefined
  if (described?.warning) warnings.push(described.warning)
  if (/^interactive only$/i.test(fields.get('Logon Mode') ?? ''))
    warnings.push(
      'The task runs only while the user is logged on. Install the schedule again so it runs whether or not anyone is logged on.',
    )
  if (state?.toLowerCase() === 'disabled')
    warnings.push('The task is disabled in Task Scheduler; it will not run.')

  const lastRun = fields.get('Last Run Time')
  const nextRun = fields.get('Next Run Time')
  const at = startTime(fields.get('Start Time'))
  return {
    ...(args[0] ? { program: args[0], args: args.slice(1) } : {}),
    ...(at ? { at } : {}),
    ...(state ? { state } : {}),
    ...(lastRun && !isNever(lastRun) ? { lastRunAt: lastRun } : {}),
    ...(described ? { lastResult: described.text } : {}),
    ...(nextRun && !isNever(nextRun) ? { nextRunAt: nextRun } : {}),
    warnings,
  }
}

function logonWarnings(options: WindowsOptions): string[] {
  if (options.logonType === 'Password') return []

  return [
    'The task runs while logged off without a stored password (S4U), so it cannot open network shares or mapped drives. If the export folder is on a share, install with --logon password.',
  ]
}

/** Turns schtasks' failure text into the error a technician can act on. */
export function schtasksError(action: string, result: CommandResult): AppError {
  const text = `${result.stderr}\n${result.stdout}`.trim()
  const details = result.startError ?? text

  if (result.startError) {
    return new AppError(
      'SCHEDULER_UNAVAILABLE',
      'schtasks could not be started, so Task Scheduler cannot be used.',
      { details },
    )
  }
  if (/access is denied/i.test(text)) {
    return new AppError(
      'SCHEDULE_ACCESS_DENIED',
      `Task Scheduler refused to ${action} the task: access is denied.`,
      { details },
    )
  }
  if (
    /logon type|logon failure|user name or password|no mapping between account names/i.test(
      text,
    )
  ) {
    return new AppError(
      'SCHEDULE_LOGON_REFUSED',
      'Task Scheduler cannot run the task as this account while it is logged off.',
      { details },
    )
  }
  return new AppError(
    'SCHEDULE_FAILED',
    `schtasks could not ${action} the task (exit code ${result.code}).`,
    { details },
  )
}

function isNotFound(result: CommandResult): boolean {
  return /cannot find|does not exist/i.test(`${result.stderr}${result.stdout}`)
}

function isNever(value: string): boolean {
  return /^(N\/A|Never)$/i.test(value) || value.includes('1999')
}

function startTime(value: string | undefined): string | undefined {
  const match = value
    ? /(\d{1,2}):(\d{2})(?::\d{2})?\s*(AM|PM)?/i.exec(value)
    : null
  if (!match) return undefined

  let hour = Number(match[1]) % 24
  const pm = match[3]?.toUpperCase() === 'PM'
  if (match[3]) hour = (hour % 12) + (pm ? 12 : 0)
  return `${String(hour).padStart(2, '0')}:${match[2]}`
}
