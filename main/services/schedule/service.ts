import fs from 'node:fs'
import { AppError } from '../../../shared/errors'
import type {
  RenderedRegistration,
  ScheduleView,
  ScheduledCommand,
} from '../../../shared/schedule'
import type { DistrictSettings } from '../../../shared/settings-schema'
import type { ServiceContext } from '../context'
import { isKeyUsableUnattended } from '../keys'
import { lastRun } from '../run-history'
import {
  currentAppLocation,
  locationWarnings,
  scheduledCommand,
  scheduleSpec,
  type AppLocation,
  type ScheduleSpec,
} from './model'
import { nextRunAfter } from './night-slot'
import type { PlatformScheduler, RegisteredTask } from './platform'
import {
  isLocal,
  otherLinuxScheduler,
  schedulerFor,
  type SchedulerChoice,
} from './scheduler-for'
import { assertNotPractice } from '../../practice/practice-guard'

/**
 * The schedule service: renders, registers, reads back and removes a
 * district's nightly run with the OS's own scheduler, and says plainly
 * when a registration will not run.
 */

export interface ScheduleOptions extends SchedulerChoice {
  readonly location?: AppLocation
  readonly fileExists?: (file: string) => boolean
}

export interface RenderedSchedule {
  readonly domain: string
  readonly platform: ScheduleView['platform']
  readonly backend: ScheduleView['backend']
  readonly name: string
  readonly command: ScheduledCommand
  readonly files: readonly RenderedRegistration[]
}

async function prepare(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions,
): Promise<{
  district: DistrictSettings
  spec: ScheduleSpec
  scheduler: PlatformScheduler
}> {
  const district = await ctx.store.get(domain)
  const scheduler = await schedulerFor(options)
  const location = options.location ?? currentAppLocation()
  const home = ctx.layout.root
  const command = scheduledCommand(
    location,
    scheduler.platform,
    district.domain,
    home,
  )

  return {
    district,
    spec: scheduleSpec(district.domain, district.at, home, command),
    scheduler,
  }
}

/** Exactly what would be registered, for any platform, from any OS. */
export async function renderSchedule(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions = {},
): Promise<RenderedSchedule> {
  const { spec, scheduler } = await prepare(ctx, domain, options)

  return {
    domain: spec.domain,
    platform: scheduler.platform,
    backend: scheduler.backend,
    name: scheduler.name(spec.domain),
    command: spec.command,
    files: scheduler.render(spec),
  }
}

/** The registration's state on this machine, with repair advice. */
export async function showSchedule(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions = {},
): Promise<ScheduleView> {
  const { district, spec, scheduler } = await prepare(ctx, domain, options)
  let task: RegisteredTask | undefined
  let active = scheduler

  if (isLocal(options)) {
    task = await scheduler.query(spec.domain)
    const other = task
      ? undefined
      : await otherLinuxScheduler(options, scheduler)
    const elsewhere = other
      ? await other.query(spec.domain).catch(() => undefined)
      : undefined
    if (other && elsewhere) {
      task = elsewhere
      active = other
    }
  }
  const warnings = [
    ...locationWarnings(spec.command),
    ...(await scheduler.warnings(spec)),
    ...(task?.warnings ?? []),
    ...districtWarnings(district),
  ]

  const shown = await view(ctx, spec, active, task, warnings, options)
  return district.practice ? { ...shown, practice: true } : shown
}

/** Registers (or repairs) the nightly run and reads it back. */
export async function installSchedule(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions = {},
): Promise<ScheduleView> {
  const { district, spec, scheduler } = await prepare(ctx, domain, options)
  assertNotPractice(district)
  refuseUnattendedProblems(district)

  const other = await otherLinuxScheduler(options, scheduler)
  await other?.remove(spec.domain).catch(() => false)

  const installWarnings = await scheduler.install(spec)
  const task = await scheduler.query(spec.domain)
  if (!task) {
    throw new AppError(
      'SCHEDULE_FAILED',
      `The ${scheduler.backend} registration for ${spec.domain} could not be read back after installing it.`,
    )
  }
  ctx.log.info(
    { domain: spec.domain, backend: scheduler.backend },
    'schedule installed',
  )
  await ctx.store.update(spec.domain, (current) => ({
    ...current,
    scheduled: {
      backend: scheduler.backend,
      installedAt: ctx.now().toISOString(),
    },
  }))

  const warnings = unique([
    ...locationWarnings(spec.command),
    ...installWarnings,
    ...(task.warnings ?? []),
    ...districtWarnings(district),
  ])
  return view(ctx, spec, scheduler, task, warnings, options)
}

/** Removes the nightly run from every backend of this platform. */
export async function removeSchedule(
  ctx: ServiceContext,
  domainInput: string,
  options: ScheduleOptions = {},
): Promise<{ domain: string; removed: boolean }> {
  const district = await ctx.store.get(domainInput)
  return removeScheduleFor(ctx, district.domain, options)
}

/** Removes a domain's registration without needing its settings. */
export async function removeScheduleFor(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions = {},
): Promise<{ domain: string; removed: boolean }> {
  const scheduler = await schedulerFor(options)
  const other = await otherLinuxScheduler(options, scheduler)
  const removed = await scheduler.remove(domain)
  const alsoRemoved = other
    ? await other.remove(domain).catch(() => false)
    : false

  if (removed || alsoRemoved)
    ctx.log.info({ domain, backend: scheduler.backend }, 'schedule removed')
  // The district may already be gone (district remove calls this first).
  await ctx.store
    .update(domain, (current) => {
      const { scheduled: _dropped, ...rest } = current
      return rest
    })
    .catch(() => undefined)
  return { domain, removed: removed || alsoRemoved }
}

async function view(
  ctx: ServiceContext,
  spec: ScheduleSpec,
  scheduler: PlatformScheduler,
  task: RegisteredTask | undefined,
  warnings: readonly string[],
  options: ScheduleOptions,
): Promise<ScheduleView> {
  const exists = options.fileExists ?? fs.existsSync
  const program = task?.program
  const programMissing = program !== undefined && !exists(program)
  const differs =
    task !== undefined &&
    // A registration read back without its program (another display
    // language on Windows) is not called different for that alone.
    ((program !== undefined && program !== spec.command.program) ||
      (task.at !== undefined && task.at !== spec.at))
  const run = task ? await lastRun(ctx.layout, spec.domain) : undefined
  const repair = programMissing
    ? [
        `The registered program ${program} no longer exists (the app moved or was updated). Run schedule install again to repair it.`,
      ]
    : differs
      ? [
          'The registration differs from the current settings or app location. Run schedule install again to update it.',
        ]
      : []
  const lastRunAt = task?.lastRunAt ?? run?.startedAt
  const lastResult =
    task?.lastResult ?? (run ? runResult(run.result, run.code) : undefined)
  const nextRunAt = task
    ? (task.nextRunAt ?? nextRunAfter(ctx.now(), spec.at).toISOString())
    : undefined

  return {
    domain: spec.domain,
    platform: scheduler.platform,
    backend: scheduler.backend,
    name: scheduler.name(spec.domain),
    at: spec.at,
    installed: task !== undefined,
    command: spec.command,
    ...(program ? { registeredProgram: program } : {}),
    ...(task?.at ? { registeredAt: task.at } : {}),
    programMissing,
    needsRepair: programMissing || differs,
    ...(task?.state ? { state: task.state } : {}),
    ...(lastRunAt ? { lastRunAt } : {}),
    ...(lastResult ? { lastResult } : {}),
    ...(nextRunAt ? { nextRunAt } : {}),
    warnings: unique([...repair, ...warnings]),
  }
}

function refuseUnattendedProblems(district: DistrictSettings): void {
  // No key yet is only a warning; a key with a passphrase cannot work.
  if (!district.key || isKeyUsableUnattended(district)) return

  throw new AppError(
    'KEY_NOT_UNATTENDED',
    `The key of ${district.domain} is protected by a passphrase, so a nightly run nobody attends could not unlock it.`,
  )
}

function districtWarnings(district: DistrictSettings): string[] {
  const warnings: string[] = []
  if (district.practice)
    warnings.push(
      'This is a practice district: it is never scheduled. Add the real district, with its own domain, to schedule its nightly run.',
    )
  if (!district.key)
    warnings.push(
      'The district has no keypair yet; nightly runs will fail until step 1 is done.',
    )
  if (!district.exportDir)
    warnings.push(
      'No export folder is set; nightly runs will find nothing to upload.',
    )
  return warnings
}

function runResult(result: string, code: string | undefined): string {
  return code ? `${result} (${code})` : result
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)]
}
