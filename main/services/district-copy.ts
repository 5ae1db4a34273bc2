import { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'
import { readAlertSettings } from './alert-settings'
import type { ServiceContext } from './context'
import type { DistrictInput } from './district-store'
import { staggerTime } from './next-run'

/**
 * The next district from a copy: the server, export folder, pattern, mode,
 * proxy and tuning of a district that works, with the nightly time moved
 * on by the home's stagger so districts do not all start at once. Domain,
 * name, county-district number and key stay for the technician to fill in.
 */

/** Adds a district modelled on another one; given fields win. */
export async function addDistrictLike(
  ctx: ServiceContext,
  domain: string,
  modelDomain: string,
  given: DistrictInput,
): Promise<DistrictSettings> {
  const model = await ctx.store.get(modelDomain)
  // A copy of a practice district would be a real district pointed at the
  // practice server: neither one thing nor the other.
  if (model.practice) {
    throw new AppError(
      'INVALID_INPUT',
      `${model.domain} is a practice district; copy a real district, or add another practice district with "sandbox add".`,
    )
  }
  const { staggerMinutes } = await readAlertSettings(ctx.layout)
  const taken = new Set((await ctx.store.list()).map((d) => d.at))

  const copied: DistrictInput = {
    host: model.host,
    port: model.port,
    pattern: model.pattern,
    mode: model.mode,
    at: freeTime(model.at, staggerMinutes, taken),
    ...(model.exportDir ? { exportDir: model.exportDir } : {}),
  }
  await ctx.store.add(domain, { ...copied, ...given })

  return ctx.store.update(domain, (current) => ({
    ...current,
    ...(model.proxy ? { proxy: model.proxy } : {}),
    ...(model.timeouts ? { timeouts: model.timeouts } : {}),
    ...(model.run ? { run: withoutPreExport(model.run) } : {}),
  }))
}

// The first time after the model's, a stagger step apart, that no other
// district uses; the model's own time when the stagger is zero.
function freeTime(at: string, step: number, taken: Set<string>): string {
  if (step === 0) return at

  for (let k = 1; k * step < 1440; k++) {
    const candidate = staggerTime(at, k * step)
    if (!taken.has(candidate)) return candidate
  }
  return staggerTime(at, step)
}

// The command that produces the export names one district's files.
function withoutPreExport(
  run: NonNullable<DistrictSettings['run']>,
): NonNullable<DistrictSettings['run']> {
  const { preExport: _preExport, ...rest } = run
  return rest
}
