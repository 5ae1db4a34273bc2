import type {
  DistrictSettings,
  RunSettings,
} from '../../shared/settings-schema'

/** The nightly run's tuning with every default filled in. */
export interface ResolvedRunSettings {
  readonly settleMs: number
  readonly maxAgeHours: number
  readonly maxDropShare: number
  readonly stallMs: number
  readonly retries: number
  readonly retryDelayMs: number
  readonly channels: number
  readonly concurrency: number
  readonly preExport?: { readonly command: string; readonly timeoutMs: number }
}

// Ascender writes the export in one go; five quiet seconds means it is done.
// A nightly export older than 26 hours means last night's did not run.
const DEFAULTS = {
  settleMs: 5_000,
  maxAgeHours: 26,
  maxDropShare: 0.5,
  stallMs: 60_000,
  retries: 3,
  retryDelayMs: 5_000,
  channels: 4,
  concurrency: 16,
} as const

const PRE_EXPORT_TIMEOUT_MS = 30 * 60_000

/** Fills in the defaults for a district's run settings. */
export function runSettings(district: DistrictSettings): ResolvedRunSettings {
  const given: RunSettings = district.run ?? {}
  const pre = given.preExport

  return {
    settleMs: given.settleMs ?? DEFAULTS.settleMs,
    maxAgeHours: given.maxAgeHours ?? DEFAULTS.maxAgeHours,
    maxDropShare: given.maxDropShare ?? DEFAULTS.maxDropShare,
    stallMs: given.stallMs ?? DEFAULTS.stallMs,
    retries: given.retries ?? DEFAULTS.retries,
    retryDelayMs: given.retryDelayMs ?? DEFAULTS.retryDelayMs,
    channels: given.channels ?? DEFAULTS.channels,
    concurrency: given.concurrency ?? DEFAULTS.concurrency,
    ...(pre
      ? {
          preExport: {
            command: pre.command,
            timeoutMs: pre.timeoutMs ?? PRE_EXPORT_TIMEOUT_MS,
          },
        }
      : {}),
  }
}
