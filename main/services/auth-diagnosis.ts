import { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'

/**
 * A refused key has several causes the server never tells apart. This
 * ranks them from what the product knows: when the key was shared with
 * SameGoal (a new key can take up to 60 minutes to work), and whether the
 * domain, which is the SFTP username, looks like a district's domain.
 */

/** SameGoal's documented time for a new key to start working. */
export const KEY_SYNC_WINDOW_MINUTES = 60

export type AuthCause =
  'not-installed-yet' | 'not-shared' | 'other-account' | 'username'

export interface LikelyCause {
  readonly cause: AuthCause
  readonly text: string
}

export interface KeySyncWindow {
  readonly sharedAt?: string
  readonly minutesSinceShared?: number
  /** True while the key was shared less than the sync window ago. */
  readonly withinWindow: boolean
  readonly minutesLeft: number
}

/** Where the district's key stands in SameGoal's key-sync window. */
export function keySyncWindow(
  district: DistrictSettings,
  now: Date,
): KeySyncWindow {
  const at = district.keyShared?.at
  if (!at) return { withinWindow: false, minutesLeft: 0 }

  const minutes = (now.getTime() - Date.parse(at)) / 60_000
  const left = Math.max(0, KEY_SYNC_WINDOW_MINUTES - minutes)
  return {
    sharedAt: at,
    minutesSinceShared: Math.max(0, Math.round(minutes)),
    withinWindow: left > 0,
    minutesLeft: Math.ceil(left),
  }
}

/** Rebuilds AUTH_REFUSED with its likely causes ranked, most likely first. */
export function explainAuthRefusal(
  error: AppError,
  district: DistrictSettings,
  now: Date,
): AppError {
  const window = keySyncWindow(district, now)
  const causes = rankCauses(district, window)

  return new AppError(
    'AUTH_REFUSED',
    `${error.message} The server does not say why; most likely: ${causes[0]?.text ?? ''}`,
    {
      ...(error.details ? { details: error.details } : {}),
      extra: {
        ...error.extra,
        likelyCauses: causes,
        keySync: window,
        keyWaitOffered: window.withinWindow,
      },
    },
  )
}

function rankCauses(
  district: DistrictSettings,
  window: KeySyncWindow,
): LikelyCause[] {
  const domain = district.domain
  const username: LikelyCause = {
    cause: 'username',
    text: `The username "${domain}" may be wrong: it must be the district's domain exactly as SameGoal set up the account (usually its email domain, such as fooisd.org).`,
  }
  const otherAccount: LikelyCause = {
    cause: 'other-account',
    text: `SameGoal may have installed the key for another account than "${domain}": ask them which account holds it.`,
  }
  const waiting = district.practice
    ? practiceWaitCause(domain)
    : notInstalledCause(window, domain)
  const shared = district.keyShared
  const current = district.key?.sha256

  if (shared?.sha256 && current && shared.sha256 !== current) {
    const other: LikelyCause = {
      cause: 'not-shared',
      text: `The key sent to SameGoal (${shared.sha256}) is not the key in use (${current}): share the current public key (step 2 in the wizard, or key email ${domain}).`,
    }
    return [other, otherAccount, username]
  }
  // Practice domains are made up (.example) and live on a local server.
  if (!district.practice && domainLooksWrong(domain, district.host))
    return [username, waiting, otherAccount]
  if (district.practice) return [waiting, username]
  // Installed by SameGoal's word, or long enough ago: the account is the doubt.
  if (shared?.installedAt || (window.sharedAt && !window.withinWindow))
    return [otherAccount, username, waiting]

  return [waiting, otherAccount, username]
}

function practiceWaitCause(domain: string): LikelyCause {
  return {
    cause: 'not-installed-yet',
    text: `The practice server honours a key only after its sync delay (30 seconds unless it was started with another --sync-delay), as SameGoal takes time to install a key. Keep trying; if it was never sent, send it (step 2 in the wizard, or sandbox send-key ${domain}).`,
  }
}

function notInstalledCause(window: KeySyncWindow, domain: string): LikelyCause {
  if (!window.sharedAt) {
    return {
      cause: 'not-shared',
      text: `There is no record that this key was sent to SameGoal: share the public key (step 2 in the wizard, or key email ${domain}); a new key can take up to 60 minutes to work.`,
    }
  }
  if (window.withinWindow) {
    return {
      cause: 'not-installed-yet',
      text: `The key was shared ${window.minutesSinceShared} minute(s) ago and SameGoal may not have installed it yet: a new key can take up to 60 minutes (about ${window.minutesLeft} more). Keep trying.`,
    }
  }
  return {
    cause: 'not-installed-yet',
    text: `The key was shared ${window.minutesSinceShared} minutes ago, longer than SameGoal's 60 minutes: it may not have been installed. Email SameGoal with the key's fingerprint.`,
  }
}

const HOST_PREFIXES = /^(www|sftp|ftp|mail|smtp|webmail|portal|login)\./
const DISTRICT_TLDS = /\.(org|net|us|edu|com|info|school)$/

/** True when the domain looks like a host name or a typo, not a district's domain. */
export function domainLooksWrong(domain: string, host: string): boolean {
  if (HOST_PREFIXES.test(domain)) return true
  if (domain === host.toLowerCase() || domain.endsWith('samegoal.com'))
    return true

  return !DISTRICT_TLDS.test(domain)
}
