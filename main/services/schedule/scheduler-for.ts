import os from 'node:os'
import type { SchedulePlatform } from '../../../shared/schedule'
import { runCommand } from './command-runner'
import {
  chooseLinuxBackend,
  linuxFacts,
  linuxScheduler,
  type LinuxBackend,
  type LinuxFacts,
} from './linux'
import { macosScheduler } from './macos'
import { currentPlatform } from './model'
import type { PlatformScheduler, SchedulerHost } from './platform'
import type { WindowsOptions } from './windows'
import { windowsScheduler } from './windows'

/** Picks and builds the platform module for a schedule request. */

export interface SchedulerChoice {
  /** The platform to render or register for; default: this one. */
  readonly platform?: SchedulePlatform
  readonly linuxBackend?: LinuxBackend
  readonly windows?: Partial<WindowsOptions>
  readonly host?: Partial<SchedulerHost>
  /** Treat `platform` as this machine's own (tests with stand-in tools). */
  readonly local?: boolean
}

/** The machine facts of this process, with any test overrides applied. */
export function schedulerHost(
  overrides: Partial<SchedulerHost> = {},
): SchedulerHost {
  const user = os.userInfo()

  return {
    runner: runCommand,
    userHome: os.homedir(),
    uid: user.uid,
    userName: user.username,
    tempDir: os.tmpdir(),
    ...overrides,
  }
}

/** True when the choice is for the platform this process runs on. */
export function isLocal(choice: SchedulerChoice): boolean {
  if (choice.local !== undefined) return choice.local

  return (choice.platform ?? currentPlatform()) === currentPlatform()
}

/**
 * Builds the module. On this machine's own platform the Linux backend is
 * detected; for another platform nothing is detected and a timer is shown
 * unless cron is asked for.
 */
export async function schedulerFor(
  choice: SchedulerChoice,
): Promise<PlatformScheduler> {
  const host = schedulerHost(choice.host)
  const platform = choice.platform ?? currentPlatform()

  if (platform === 'windows')
    return windowsScheduler(host, windowsOptions(host, choice))
  if (platform === 'macos') return macosScheduler(host)

  const facts: LinuxFacts = isLocal(choice)
    ? await linuxFacts(host)
    : { userManager: true, lingering: true, cronRunning: true }
  const backend = choice.linuxBackend ?? chooseLinuxBackend(facts)
  return linuxScheduler(host, backend, facts)
}

/** The other Linux backend, so a switch never leaves two registrations. */
export async function otherLinuxScheduler(
  choice: SchedulerChoice,
  current: PlatformScheduler,
): Promise<PlatformScheduler | undefined> {
  if (current.platform !== 'linux') return undefined

  const other = current.backend === 'cron' ? 'systemd' : 'cron'
  return schedulerFor({ ...choice, linuxBackend: other })
}

function windowsOptions(
  host: SchedulerHost,
  choice: SchedulerChoice,
): WindowsOptions {
  const given = choice.windows ?? {}
  const domain = process.env['USERDOMAIN']
  const userId =
    given.userId ?? (domain ? `${domain}\\${host.userName}` : host.userName)

  return {
    userId,
    logonType: given.logonType ?? 'S4U',
    ...(given.password ? { password: given.password } : {}),
  }
}
