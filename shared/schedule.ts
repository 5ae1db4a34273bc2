import type { ErrorData } from './errors'
/**
 * What the schedule service reports about a district's nightly run, in the
 * same shape for the CLI's JSON and the wizard. Field names are stable.
 */

export const SCHEDULE_PLATFORMS = ['windows', 'macos', 'linux'] as const

export type SchedulePlatform = (typeof SCHEDULE_PLATFORMS)[number]

/** The OS mechanism that starts the run. */
export type ScheduleBackend = 'task-scheduler' | 'launchd' | 'systemd' | 'cron'

/** Exactly what the scheduler starts: absolute program, separate arguments. */
export interface ScheduledCommand {
  readonly kind: 'packaged-app' | 'node-cli'
  readonly program: string
  readonly args: readonly string[]
  /** Variables the registration sets itself; nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>
  readonly workingDirectory: string
}

/** One file (or crontab block) as it would be registered. */
export interface RenderedRegistration {
  readonly name: string
  /** Where it is written when installed; absent for a crontab block. */
  readonly path?: string
  readonly content: string
}

export interface ScheduleView {
  readonly domain: string
  readonly platform: SchedulePlatform
  readonly backend: ScheduleBackend
  /** Task path, launchd label, systemd unit or crontab marker. */
  readonly name: string
  readonly at: string
  readonly installed: boolean
  /** What `schedule install` would register now. */
  readonly command: ScheduledCommand
  /** The program the registered task starts, as read back. */
  readonly registeredProgram?: string
  readonly registeredAt?: string
  /** The registered program no longer exists (the app moved or was updated). */
  readonly programMissing: boolean
  /** Installing again would change the registration: repair offered. */
  readonly needsRepair: boolean
  readonly state?: string
  readonly lastRunAt?: string
  readonly lastResult?: string
  readonly nextRunAt?: string
  /** Things that keep runs from happening as the technician expects. */
  readonly warnings: readonly string[]
  /** A practice district, which is never scheduled. */
  readonly practice?: boolean
}

/** The outcome of one run started as the scheduler would start it. */
export interface ScheduledRunResult {
  readonly domain: string
  readonly exitCode: number
  readonly program: string
  readonly args: readonly string[]
  readonly output: string
  /** Why it failed: the run's recorded error, else the command's own words. */
  readonly failure?: ErrorData
}
