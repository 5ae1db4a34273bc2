import type {
  ScheduledCommand,
  ScheduledRunResult,
} from '../../../shared/schedule'
import {
  AppError,
  isErrorCode,
  toErrorData,
  type ErrorCode,
  type ErrorData,
} from '../../../shared/errors'
import type { ServiceContext } from '../context'
import { readRuns } from '../run-history'
import { schedulerHost } from './scheduler-for'
import { renderSchedule, type ScheduleOptions } from './service'

/**
 * Runs the nightly command exactly as the scheduler would: the same
 * absolute program and arguments, started in its working folder with a
 * bare environment, so a hidden dependency on PATH or the current folder
 * shows up now instead of at 2 a.m.
 */
export async function runScheduleNow(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions = {},
): Promise<ScheduledRunResult> {
  const local = { ...options, platform: undefined, local: undefined }
  const rendered = await renderSchedule(ctx, domain, local)
  const { command } = rendered
  const host = schedulerHost(options.host)

  ctx.log.info({ domain: rendered.domain }, 'run as the scheduler would')
  const startedAt = ctx.now()
  const result = await host.runner(command.program, command.args, {
    env: bareEnvironment(command),
    cwd: command.workingDirectory,
  })
  const output = `${result.stdout}${result.stderr}${result.startError ?? ''}`
  const exitCode = result.code < 0 ? 1 : result.code
  const failure =
    exitCode === 0
      ? undefined
      : await failureOf(ctx, rendered.domain, startedAt, output)

  return {
    domain: rendered.domain,
    exitCode,
    program: command.program,
    args: command.args,
    output: output.length > 8000 ? output.slice(-8000) : output,
    ...(failure ? { failure } : {}),
  }
}

// The run the command recorded, when it got that far; otherwise the
// command's own "Error:" line, so a failure always says what went wrong.
async function failureOf(
  ctx: ServiceContext,
  domain: string,
  startedAt: Date,
  output: string,
): Promise<ErrorData> {
  const runs = await readRuns(ctx.layout, domain).catch(() => [])
  const last = runs.at(-1)
  const recorded =
    last &&
    last.result !== 'success' &&
    Date.parse(last.startedAt) >= startedAt.getTime() - 1000 &&
    isErrorCode(last.code)
  if (recorded) {
    return toErrorData(new AppError(last.code as ErrorCode, last.message ?? ''))
  }

  const said = /^Error: (.+)$/m.exec(output)?.[1]?.trim()
  return toErrorData(
    new AppError(
      'SCHEDULED_RUN_FAILED',
      said ?? 'The nightly command ended with an error and said nothing.',
    ),
  )
}

/** What a scheduler hands a started program: almost nothing. */
export function bareEnvironment(
  command: ScheduledCommand,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  // Windows programs cannot start networking or crypto without these.
  const keep =
    platform === 'win32'
      ? [
          'SystemRoot',
          'windir',
          'TEMP',
          'TMP',
          'USERPROFILE',
          'APPDATA',
          'LOCALAPPDATA',
          'USERDOMAIN',
          'USERNAME',
        ]
      : ['HOME', 'USER', 'LOGNAME']
  const base: NodeJS.ProcessEnv = {}
  for (const name of keep) if (env[name] !== undefined) base[name] = env[name]
  if (platform !== 'win32') base['PATH'] = '/usr/bin:/bin'

  return { ...base, ...command.env }
}
