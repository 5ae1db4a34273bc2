import { normalizeDomain } from '../../../shared/domain'
import { AppError } from '../../../shared/errors'
import type { ServiceContext } from '../context'
import type { ScheduleOptions } from './service'
import { removeScheduleFor } from './service'

/**
 * Removing a district also removes its nightly run, first: a schedule left
 * behind would start every night for a district that no longer exists.
 */
export async function removeDistrictAndSchedule(
  ctx: ServiceContext,
  domainInput: string,
  options: ScheduleOptions = {},
): Promise<{ archivedTo: string; scheduleRemoved: boolean }> {
  const district = await ctx.store.get(domainInput)
  // Checked before the schedule goes, so a refusal leaves everything as it was.
  await ctx.store.assertNoRunInProgress(district.domain)
  const scheduleRemoved = await removeIfAny(ctx, district.domain, options)
  const archivedTo = await ctx.store.remove(normalizeDomain(district.domain))

  return { archivedTo, scheduleRemoved }
}

async function removeIfAny(
  ctx: ServiceContext,
  domain: string,
  options: ScheduleOptions,
): Promise<boolean> {
  try {
    const { removed } = await removeScheduleFor(ctx, domain, options)
    return removed
  } catch (error) {
    // No scheduler on this machine means nothing can be registered with it.
    if (error instanceof AppError && error.code === 'SCHEDULER_UNAVAILABLE')
      return false
    throw error
  }
}
