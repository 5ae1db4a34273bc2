import fs from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import {
  SCHEDULE_PLATFORMS,
  type ScheduleView,
  type SchedulePlatform,
} from '../../../shared/schedule'
import type { LinuxBackend } from '../../services/schedule/linux'
import { runNightly } from '../../services/schedule/nightly-run'
import { runScheduleNow } from '../../services/schedule/run-now'
import {
  installSchedule,
  removeSchedule,
  renderSchedule,
  showSchedule,
  type ScheduleOptions,
} from '../../services/schedule/service'
import { encodeTaskXml } from '../../services/schedule/windows-task-xml'
import { withInterruptAsCancel } from '../interrupt'
import { seconds } from '../options'
import type { CommandOutput } from '../output'
import { readSecretLine } from '../stdin'
import type { CliContext } from '../program'
import { commandLine, viewLines } from './schedule-text'

interface ScheduleFlags {
  readonly platform?: string
  readonly out?: string
  readonly backend?: string
  readonly logon?: string
  readonly user?: string
  readonly passwordStdin?: boolean
  readonly networkWait?: string
}

/** `schedule install|remove|show|run-now|nightly <domain>`. */
export function registerScheduleCommands(
  program: Command,
  cli: CliContext,
): void {
  const schedule = program
    .command('schedule')
    .description('register the nightly run with this computer\u2019s scheduler')
  const backendOption = (command: Command): Command =>
    command.option(
      '--backend <systemd|cron>',
      'Linux: use this instead of the detected one',
    )

  backendOption(
    schedule
      .command('install <domain>')
      .description('register (or repair) the nightly run')
      .option(
        '--logon <s4u|password>',
        'Windows: how the task logs on while you are logged off (default s4u)',
      )
      .option(
        '--user <account>',
        'Windows: the account the task runs as (default: you)',
      )
      .option(
        '--password-stdin',
        'Windows: read the account password from stdin (--logon password)',
      ),
  ).action(
    cli.run(async (domain: string, flags: ScheduleFlags) => {
      const view = await installSchedule(
        cli.ctx(),
        domain,
        await options(flags),
      )
      return viewOutput(view, [`Installed the nightly run for ${view.domain}.`])
    }),
  )

  backendOption(
    schedule.command('remove <domain>').description('remove the nightly run'),
  ).action(
    cli.run(async (domain: string, flags: ScheduleFlags) => {
      const result = await removeSchedule(
        cli.ctx(),
        domain,
        await options(flags),
      )
      const text = result.removed
        ? `Removed the nightly run for ${result.domain}.`
        : `No nightly run was registered for ${result.domain}.`
      return { json: { ...result }, text: [text] }
    }),
  )

  backendOption(
    schedule
      .command('show <domain>')
      .description(
        'show the registered run, or with --platform what would be registered there',
      )
      .option(
        '--platform <windows|macos|linux>',
        'print the registration for this platform',
      )
      .option(
        '--out <file>',
        'with --platform: write it to this file (a folder for several files)',
      ),
  ).action(
    cli.run(async (domain: string, flags: ScheduleFlags) => {
      if (flags.platform) return rendered(cli, domain, flags)

      const view = await showSchedule(cli.ctx(), domain, await options(flags))
      return viewOutput(view, [])
    }),
  )

  schedule
    .command('run-now <domain>')
    .description('run the nightly command now, exactly as the scheduler would')
    .action(
      cli.run(async (domain: string) => {
        const { failure, ...result } = await runScheduleNow(cli.ctx(), domain)
        // A failure carries the same fields as any other; exitCode stays
        // the command's own.
        const { extra: _extra, exitCode: _catalog, ...why } = failure ?? {}
        return {
          json: { ...result, ...why, exitCode: result.exitCode },
          text: [
            `Ran: ${commandLine(result.program, result.args)}`,
            result.output.trimEnd(),
            `Exit code: ${result.exitCode}`,
          ].filter(Boolean),
          exitCode: result.exitCode,
        }
      }),
    )

  schedule
    .command('nightly <domain>')
    .description(
      'the run the scheduler starts: once per night, waits for the network, then uploads',
    )
    .option(
      '--network-wait <seconds>',
      'how long to wait for the network (default 600)',
    )
    .action(
      cli.run(async (domain: string, flags: ScheduleFlags) => {
        const wait =
          flags.networkWait !== undefined
            ? seconds(flags.networkWait, '--network-wait')
            : undefined
        const outcome = await withInterruptAsCancel((signal) =>
          runNightly(cli.ctx(), domain, {
            signal,
            ...(wait === undefined ? {} : { networkWaitMs: wait * 1000 }),
          }),
        )
        if (outcome.kind === 'skipped') {
          return {
            json: {
              skipped: true,
              slot: outcome.slot,
              previousRun: outcome.previous,
            },
            text: [
              `Skipped: tonight\u2019s upload already succeeded (${outcome.previous.startedAt}, epoch ${outcome.previous.epoch ?? 'direct'}).`,
            ],
          }
        }
        const { result } = outcome
        return {
          json: {
            skipped: false,
            domain: result.domain,
            epoch: result.epoch,
            file: result.file,
            bytes: result.bytes,
            logFile: result.record.logFile,
            warnings: result.warnings ?? [],
          },
          text: [
            result.epoch
              ? `Uploaded ${result.file} (${result.bytes} bytes) into epoch ${result.epoch}; COMPLETE written.`
              : `Uploaded ${result.file} (${result.bytes} bytes) to ${result.remotePath}.`,
            // A cron log is where a wrong district's file would be noticed.
            ...(result.warnings ?? []).map((w) => `Warning: ${w}`),
          ],
        }
      }),
    )
}

async function rendered(
  cli: CliContext,
  domain: string,
  flags: ScheduleFlags,
): Promise<CommandOutput> {
  const platform = platformFlag(flags.platform ?? '')
  const result = await renderSchedule(cli.ctx(), domain, {
    ...(await options(flags)),
    platform,
  })
  const written = flags.out
    ? await writeOut(flags.out, platform, result.files)
    : []

  const text = written.length
    ? written.map((file) => `Wrote ${file}`)
    : result.files.flatMap((file) => [
        `# ${file.path ?? file.name}`,
        file.content.trimEnd(),
        '',
      ])
  return { json: { ...result, ...(written.length ? { written } : {}) }, text }
}

async function writeOut(
  out: string,
  platform: SchedulePlatform,
  files: readonly { name: string; content: string }[],
): Promise<string[]> {
  const bytes = (content: string) =>
    platform === 'windows' ? encodeTaskXml(content) : `${content.trimEnd()}\n`
  const [only] = files
  if (files.length === 1 && only) {
    await fs.writeFile(path.resolve(out), bytes(only.content))
    return [path.resolve(out)]
  }

  await fs.mkdir(out, { recursive: true })
  return Promise.all(
    files.map(async (file) => {
      const target = path.resolve(out, file.name)
      await fs.writeFile(target, bytes(file.content))
      return target
    }),
  )
}

async function options(flags: ScheduleFlags): Promise<ScheduleOptions> {
  const logonType = flags.logon === undefined ? undefined : logon(flags.logon)
  const password = flags.passwordStdin
    ? await readSecretLine('--password-stdin')
    : undefined

  return {
    ...(flags.backend ? { linuxBackend: backend(flags.backend) } : {}),
    windows: {
      ...(logonType ? { logonType } : {}),
      ...(flags.user ? { userId: flags.user } : {}),
      ...(password ? { password } : {}),
    },
  }
}

function viewOutput(view: ScheduleView, intro: string[]): CommandOutput {
  return { json: { schedule: view }, text: [...intro, ...viewLines(view)] }
}

function platformFlag(value: string): SchedulePlatform {
  const found = SCHEDULE_PLATFORMS.find((p) => p === value)
  if (found) return found

  throw new AppError(
    'INVALID_INPUT',
    `--platform must be windows, macos or linux, not "${value}".`,
  )
}

function backend(value: string): LinuxBackend {
  if (value === 'systemd' || value === 'cron') return value

  throw new AppError(
    'INVALID_INPUT',
    `--backend must be systemd or cron, not "${value}".`,
  )
}

function logon(value: string): 'S4U' | 'Password' {
  if (value.toLowerCase() === 's4u') return 'S4U'
  if (value.toLowerCase() === 'password') return 'Password'

  throw new AppError(
    'INVALID_INPUT',
    `--logon must be s4u or password, not "${value}".`,
  )
}
