import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  ScheduledCommand,
  SchedulePlatform,
} from '../../../shared/schedule'

/**
 * The common model every platform's registration is built from: which
 * district, at what time, and the exact command the scheduler starts.
 */

export const TASK_FOLDER = '\\SameGoal Ascender'
export const LAUNCHD_PREFIX = 'org.samegoal-ascender.nightly'
export const UNIT_PREFIX = 'samegoal-ascender'

/** How long one scheduled run may take before the scheduler stops it. */
export const RUN_TIME_LIMIT_HOURS = 2

export interface ScheduleSpec {
  readonly domain: string
  readonly at: string
  readonly hour: number
  readonly minute: number
  readonly home: string
  readonly logsDir: string
  readonly command: ScheduledCommand
}

/** Where the running program lives, which decides the scheduled command. */
export interface AppLocation {
  /** The packaged app's own executable, when running packaged. */
  readonly packagedExecutable?: string
  /** Absolute node binary and CLI script, when running from a checkout. */
  readonly nodePath: string
  readonly cliScript: string
  /** Set when nodePath is an Electron binary that must act as Node. */
  readonly nodeEnv?: Readonly<Record<string, string>>
}

/** The arguments of the nightly run, after the program (and script). */
export function nightlyArgs(domain: string, home: string): string[] {
  return ['schedule', 'nightly', domain, '--home', home]
}

/** Builds the command the scheduler starts; never relies on PATH or cwd. */
export function scheduledCommand(
  location: AppLocation,
  platform: SchedulePlatform,
  domain: string,
  home: string,
): ScheduledCommand {
  const exe = location.packagedExecutable
  if (exe) {
    // Electron on Linux wants a display even with no window; the headless
    // Ozone platform starts without one (cron and timers have none).
    const display = platform === 'linux' ? ['--ozone-platform=headless'] : []
    return {
      kind: 'packaged-app',
      program: exe,
      args: [...display, '--headless', ...nightlyArgs(domain, home)],
      env: {},
      workingDirectory: home,
    }
  }

  return {
    kind: 'node-cli',
    program: location.nodePath,
    args: [location.cliScript, ...nightlyArgs(domain, home)],
    env: { ...location.nodeEnv },
    workingDirectory: home,
  }
}

/** Builds the spec for one district. */
export function scheduleSpec(
  domain: string,
  at: string,
  home: string,
  command: ScheduledCommand,
): ScheduleSpec {
  const [hour, minute] = at.split(':').map(Number)

  return {
    domain,
    at,
    hour: hour ?? 2,
    minute: minute ?? 0,
    home,
    logsDir: path.join(home, 'logs'),
    command,
  }
}

/** The platform this process runs on, in the schedule's words. */
export function currentPlatform(
  platform: NodeJS.Platform = process.platform,
): SchedulePlatform {
  if (platform === 'win32') return 'windows'
  if (platform === 'darwin') return 'macos'
  return 'linux'
}

/** Where this program runs from, found without PATH or cwd. */
export function currentAppLocation(): AppLocation {
  const electron = process.versions['electron'] !== undefined
  const defaultApp = (process as { defaultApp?: boolean }).defaultApp
  const cliScript = path.join(projectRoot(), 'bin', 'samegoal-ascender.mjs')

  if (electron && !defaultApp) {
    // An AppImage runs from a mount that vanishes on exit; the scheduler
    // must start the .AppImage file itself.
    const exe = process.env['APPIMAGE'] || process.execPath
    return { packagedExecutable: exe, nodePath: '', cliScript }
  }

  return {
    nodePath: process.execPath,
    cliScript,
    // `electron .` in a checkout: the same binary runs the CLI as Node.
    ...(electron ? { nodeEnv: { ELECTRON_RUN_AS_NODE: '1' } } : {}),
  }
}

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = path.join(dir, 'package.json')
    if (fs.existsSync(manifest) && isOurManifest(manifest)) return dir

    const parent = path.dirname(dir)
    if (parent === dir) return process.cwd()
    dir = parent
  }
}

function isOurManifest(file: string): boolean {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      name?: string
    }
    return parsed.name === 'samegoal-ascender'
  } catch {
    return false
  }
}

/** Problems with where the app runs from that would break the schedule. */
export function locationWarnings(command: ScheduledCommand): string[] {
  const program = command.program
  if (program.startsWith('/Volumes/') || program.includes('/AppTranslocation/'))
    return [
      'The app runs from the disk image or a temporary copy. Move it to the Applications folder, open it from there, and install the schedule again.',
    ]
  if (command.kind === 'node-cli' && program.includes('/.nvm/'))
    return [
      'The schedule starts Node from a version manager folder; removing that Node version breaks the nightly run.',
    ]
  return []
}
