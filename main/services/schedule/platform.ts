import type {
  RenderedRegistration,
  ScheduleBackend,
  SchedulePlatform,
} from '../../../shared/schedule'
import type { CommandRunner } from './command-runner'
import type { ScheduleSpec } from './model'

/** What every platform's scheduler module offers the schedule service. */

/** A registration as read back from the OS scheduler. */
export interface RegisteredTask {
  /** The program the registration starts. */
  readonly program?: string
  readonly args?: readonly string[]
  /** HH:MM, when the registration says it. */
  readonly at?: string
  readonly state?: string
  readonly lastRunAt?: string
  readonly lastResult?: string
  readonly nextRunAt?: string
  readonly warnings?: readonly string[]
}

export interface PlatformScheduler {
  readonly platform: SchedulePlatform
  readonly backend: ScheduleBackend
  /** The registration's name as the OS shows it. */
  name(domain: string): string
  /** Exactly what would be registered. */
  render(spec: ScheduleSpec): RenderedRegistration[]
  /** Registers (or replaces) the schedule; returns warnings to show. */
  install(spec: ScheduleSpec): Promise<string[]>
  /** Removes it; false when nothing was registered. */
  remove(domain: string): Promise<boolean>
  /** Reads it back; undefined when not registered. */
  query(domain: string): Promise<RegisteredTask | undefined>
  /** What keeps runs from happening on this machine, before installing. */
  warnings(spec: ScheduleSpec): Promise<string[]>
}

/** The machine facts the platform modules need, injectable for tests. */
export interface SchedulerHost {
  readonly runner: CommandRunner
  /** The user's home folder (where LaunchAgents and systemd units live). */
  readonly userHome: string
  readonly uid: number
  readonly userName: string
  /** A folder for temporary files handed to the scheduler tools. */
  readonly tempDir: string
}
