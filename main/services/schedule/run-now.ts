import type {
  ScheduledCommand,
  ScheduledRunResult,
} from '../../../shared/schedule'
import type { ServiceContext } from '../context'
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
  const result = await host.runner(command.program, command.args, {
    env: bareEnvironment(command),
    cwd: command.workingDirectory,
  })
  const output = `${result.stdout}${result.stderr}${result.startError ?? ''}`

  return {
    domain: rendered.domain,
    exitCode: result.code < 0 ? 1 : result.code,
    program: command.program,
    args: command.args,
    output: output.length > 8000 ? output.slice(-8000) : output,
  }
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
