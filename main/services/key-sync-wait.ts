import { AppError } from '../../shared/errors'
import type { CheckReport, KeyWaitTick } from '../../shared/reports'
import type { Desktop } from '../ipc/desktop'
import { KEY_SYNC_WINDOW_MINUTES, keySyncWindow } from './auth-diagnosis'
import {
  checkConnection,
  type CheckOptions,
  type TrustChoice,
} from './connection-check'
import type { ServiceContext } from './context'

/**
 * "Keep trying" while SameGoal installs a new key: repeats the read-only
 * connection test on a schedule while the only problem is a refused key,
 * counts down to each attempt, and stops when it connects (with a desktop
 * notification) or when the window is over, with the next advice.
 */

export const DEFAULT_RETRY_MS = 60_000

export interface KeyWaitOptions {
  /** How long to keep trying; default: what is left of the 60 minutes. */
  readonly windowMs?: number
  readonly intervalMs?: number
  readonly trust?: TrustChoice
  readonly check?: CheckOptions
  /** Called about once a second while waiting for the next attempt. */
  readonly onTick?: (tick: KeyWaitTick) => void
  readonly desktop?: Pick<Desktop, 'notify'>
  readonly signal?: AbortSignal
}

/** How long to wait by default: the rest of the sync window, or all of it. */
export function defaultWaitMs(
  district: Parameters<typeof keySyncWindow>[0],
  now: Date,
): number {
  const window = keySyncWindow(district, now)
  const minutes = window.withinWindow
    ? Math.max(window.minutesLeft, 5)
    : KEY_SYNC_WINDOW_MINUTES
  return minutes * 60_000
}

/** Retries the connection test until the key works or the window ends. */
export async function waitForKey(
  ctx: ServiceContext,
  domain: string,
  options: KeyWaitOptions = {},
): Promise<CheckReport> {
  const district = await ctx.store.get(domain)
  const started = Date.now()
  const windowMs = options.windowMs ?? defaultWaitMs(district, ctx.now())
  const deadline = started + windowMs
  const intervalMs =
    options.intervalMs ?? ctx.keyWaitRetryMs ?? DEFAULT_RETRY_MS
  let attempt = 0
  let last: AppError | undefined

  while (true) {
    attempt++
    try {
      const report = await checkConnection(
        ctx,
        district.domain,
        options.trust ?? {},
        options.check ?? {},
      )
      announceSuccess(options, district.domain, attempt)
      return report
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'AUTH_REFUSED')
        throw error
      last = error
    }

    const left = deadline - Date.now()
    if (left <= 0 || options.signal?.aborted) break

    const waitMs = Math.min(intervalMs, left)
    ctx.log.info(
      { domain: district.domain, attempt, nextInMs: waitMs },
      'key still refused, trying again',
    )
    const stopped = await countdown(waitMs, deadline, options, (tick) => ({
      domain: district.domain,
      attempt,
      lastCode: last?.code ?? 'AUTH_REFUSED',
      ...tick,
    }))
    if (stopped) break
  }

  if (options.signal?.aborted && last) throw last
  throw expired(district, attempt, windowMs, last)
}

function announceSuccess(
  options: KeyWaitOptions,
  domain: string,
  attempt: number,
): void {
  if (attempt === 1) return

  options.desktop?.notify(
    'SameGoal connection works',
    `The key for ${domain} is installed now: the connection test passed.`,
  )
}

// Resolves true when the wait was stopped before its end.
function countdown(
  waitMs: number,
  deadline: number,
  options: KeyWaitOptions,
  tick: (
    beat: Omit<KeyWaitTick, 'domain' | 'attempt' | 'lastCode'>,
  ) => KeyWaitTick,
): Promise<boolean> {
  const next = Date.now() + waitMs

  return new Promise((resolve) => {
    const beat = (): void => {
      const now = Date.now()
      options.onTick?.(
        tick({
          nextAttemptAt: new Date(next).toISOString(),
          deadline: new Date(deadline).toISOString(),
          secondsToNext: Math.max(0, Math.ceil((next - now) / 1000)),
          secondsLeft: Math.max(0, Math.ceil((deadline - now) / 1000)),
        }),
      )
    }
    const finish = (stopped: boolean): void => {
      clearInterval(ticker)
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve(stopped)
    }
    const onAbort = (): void => finish(true)

    beat()
    const ticker = setInterval(beat, 1000)
    const timer = setTimeout(() => finish(false), waitMs)
    options.signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function expired(
  district: Awaited<ReturnType<ServiceContext['store']['get']>>,
  attempts: number,
  windowMs: number,
  last: AppError | undefined,
): AppError {
  const fingerprint = district.key?.sha256 ?? '(no key recorded)'
  const waited =
    windowMs < 60_000
      ? `${Math.round(windowMs / 1000)} s`
      : `${Math.round(windowMs / 60_000)} minute(s)`

  return new AppError(
    'KEY_WAIT_EXPIRED',
    `The key for ${district.domain} was still refused after ${waited} of trying (${attempts} attempts). Email SameGoal (tier2help@samegoal.com) with the .pub file attached and this fingerprint: ${fingerprint}.`,
    {
      ...(last?.details ? { details: last.details } : {}),
      extra: {
        ...last?.extra,
        attempts,
        keyFingerprint: fingerprint,
      },
    },
  )
}
