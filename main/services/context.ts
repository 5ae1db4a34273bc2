import { DistrictStore } from './district-store'
import type { HomeLayout } from './home'
import { silentLogger, type Logger } from './logger'
import type { LookupFn, Timeouts } from './sftp-session'

/** What every service needs: the home, a logger, a clock, network hooks. */
export interface ServiceContext {
  readonly store: DistrictStore
  readonly layout: HomeLayout
  readonly log: Logger
  readonly now: () => Date
  readonly lookup?: LookupFn
  readonly timeouts?: Partial<Timeouts>
  /**
   * Unlocks a passphrase-protected district key for this process only,
   * held in memory, never written anywhere. Interactive use only: the
   * scheduled run has no way to be given one.
   */
  readonly passphrase?: string
  /** Time between attempts of the key-sync wait (tests shorten it). */
  readonly keyWaitRetryMs?: number
}

/** Builds a context for one home folder. */
export function createContext(
  home: string,
  overrides: Partial<Omit<ServiceContext, 'store' | 'layout'>> = {},
): ServiceContext {
  const store = new DistrictStore(home)

  return {
    store,
    layout: store.layout,
    log: overrides.log ?? silentLogger(),
    now: overrides.now ?? (() => new Date()),
    ...(overrides.lookup ? { lookup: overrides.lookup } : {}),
    ...(overrides.timeouts ? { timeouts: overrides.timeouts } : {}),
    ...(overrides.keyWaitRetryMs
      ? { keyWaitRetryMs: overrides.keyWaitRetryMs }
      : {}),
  }
}
