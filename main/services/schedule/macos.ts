import fs from 'node:fs/promises'
import path from 'node:path'
import { build, parse, type PlistValue } from 'plist'
import { AppError } from '../../../shared/errors'
import type { CommandResult } from './command-runner'
import { LAUNCHD_PREFIX, type ScheduleSpec } from './model'
import type {
  PlatformScheduler,
  RegisteredTask,
  SchedulerHost,
} from './platform'

/**
 * macOS launchd: a LaunchAgent per district, loaded into the user's GUI
 * domain. launchd runs a missed calendar interval once on wake (several
 * missed nights coalesce into one run); the nightly run itself also skips
 * when tonight's upload already succeeded.
 */

type PlistObject = { [key: string]: PlistValue }

/** The launchd label for a district. */
export function launchdLabel(domain: string): string {
  return `${LAUNCHD_PREFIX}.${domain}`
}

/** Renders the LaunchAgent plist: absolute paths only, no shell. */
export function renderPlist(spec: ScheduleSpec): string {
  const { command } = spec
  const logBase = path.join(spec.logsDir, `launchd-${spec.domain}`)
  const agent: Record<string, PlistValue> = {
    Label: launchdLabel(spec.domain),
    ProgramArguments: [command.program, ...command.args],
    WorkingDirectory: command.workingDirectory,
    StartCalendarInterval: { Hour: spec.hour, Minute: spec.minute },
    StandardOutPath: `${logBase}.out.log`,
    StandardErrorPath: `${logBase}.err.log`,
    RunAtLoad: false,
    ProcessType: 'Background',
  }
  if (Object.keys(command.env).length > 0)
    agent['EnvironmentVariables'] = { ...command.env }

  return build(agent)
}

/** The launchd module for one user. */
export function macosScheduler(host: SchedulerHost): PlatformScheduler {
  const agentsDir = path.join(host.userHome, 'Library', 'LaunchAgents')
  const plistFile = (domain: string) =>
    path.join(agentsDir, `${launchdLabel(domain)}.plist`)
  const target = (domain: string) => `gui/${host.uid}/${launchdLabel(domain)}`

  const bootout = (domain: string) =>
    host.runner('launchctl', ['bootout', target(domain)])

  return {
    platform: 'macos',
    backend: 'launchd',
    name: launchdLabel,
    render: (spec) => [
      {
        name: `${launchdLabel(spec.domain)}.plist`,
        path: plistFile(spec.domain),
        content: renderPlist(spec),
      },
    ],
    install: async (spec) => {
      const file = plistFile(spec.domain)
      await fs.mkdir(agentsDir, { recursive: true })
      await fs.mkdir(spec.logsDir, { recursive: true })
      await fs.writeFile(file, renderPlist(spec), { mode: 0o644 })

      // A loaded older copy must go first, or bootstrap refuses the label.
      await bootout(spec.domain)
      const result = await host.runner('launchctl', [
        'bootstrap',
        `gui/${host.uid}`,
        file,
      ])
      if (result.code !== 0 || result.startError) throw launchctlError(result)
      return []
    },
    remove: async (domain) => {
      const unloaded = await bootout(domain)
      const file = plistFile(domain)
      const existed = await fs.rm(file).then(
        () => true,
        () => false,
      )
      return existed || unloaded.code === 0
    },
    query: async (domain) => readAgent(host, plistFile(domain), target(domain)),
    warnings: async () => [],
  }
}

async function readAgent(
  host: SchedulerHost,
  file: string,
  target: string,
): Promise<RegisteredTask | undefined> {
  let agent: PlistObject
  try {
    agent = parse(await fs.readFile(file, 'utf8')) as PlistObject
  } catch {
    return undefined
  }

  const programArgs = (agent['ProgramArguments'] ?? []) as readonly string[]
  const interval = (agent['StartCalendarInterval'] ?? {}) as PlistObject
  const printed = await host.runner('launchctl', ['print', target])
  const loaded = printed.code === 0
  const fields = loaded ? parsePrint(printed.stdout) : new Map()
  const lastExit = fields.get('last exit code')

  return {
    ...(programArgs[0] ? { program: programArgs[0] } : {}),
    args: programArgs.slice(1),
    at: `${pad(interval['Hour'])}:${pad(interval['Minute'])}`,
    state: loaded ? (fields.get('state') ?? 'loaded') : 'not loaded',
    ...(lastExit && !/never/i.test(lastExit)
      ? { lastResult: `exit code ${lastExit}` }
      : {}),
    warnings: loaded
      ? []
      : [
          'The LaunchAgent file exists but launchd has not loaded it, so it will not run. Run schedule install again while logged in to the desktop.',
        ],
  }
}

/** Reads `key = value` lines of `launchctl print`. */
export function parsePrint(stdout: string): Map<string, string> {
  const fields = new Map<string, string>()

  for (const line of stdout.split('\n')) {
    const match = /^\t([a-z][a-z ]*?) = (.*)$/.exec(line)
    if (match && !fields.has(match[1] ?? ''))
      fields.set(match[1] ?? '', (match[2] ?? '').trim())
  }
  return fields
}

function launchctlError(result: CommandResult): AppError {
  const details = result.startError ?? `${result.stderr}${result.stdout}`.trim()

  if (result.startError) {
    return new AppError(
      'SCHEDULER_UNAVAILABLE',
      'launchctl could not be started, so launchd cannot be used.',
      { details },
    )
  }
  if (/not permitted|permission denied/i.test(details)) {
    return new AppError(
      'SCHEDULE_ACCESS_DENIED',
      'launchd refused to load the LaunchAgent: operation not permitted.',
      { details },
    )
  }
  const noGui = /domain does not support|could not find domain/i.test(details)
  return new AppError(
    'SCHEDULE_FAILED',
    noGui
      ? 'launchd has no desktop session for this user. Log in to the Mac\u2019s desktop and install the schedule again.'
      : `launchctl could not load the LaunchAgent (exit code ${result.code}).`,
    { details },
  )
}

function pad(value: unknown): string {
  return String(typeof value === 'number' ? value : 0).padStart(2, '0')
}
