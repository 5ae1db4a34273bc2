/**
 * Epoch folder names: `YYYYMMDD-HHMMSS` in local time. A new name is always
 * a valid time of day and later than every name already on the server, so
 * clock changes, daylight saving and two runs in one second never reuse or
 * go backwards.
 */

const EPOCH_NAME = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/

/** Formats a local date-time as an epoch name. */
export function formatEpoch(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  const day = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`

  return `${day}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
}

/** Parses a valid epoch name into a local date, or undefined for any other name. */
export function parseEpoch(name: string): Date | undefined {
  const m = EPOCH_NAME.exec(name)
  if (!m) return undefined

  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const date = new Date(y, mo - 1, d, h, mi, s)
  const roundTrips = formatEpoch(date) === name

  return roundTrips ? date : undefined
}

/** True when the name has the epoch shape, even if it is not a valid time. */
export function looksLikeEpoch(name: string): boolean {
  return EPOCH_NAME.test(name)
}

/**
 * How far ahead of this computer's clock an existing name still counts.
 * A clock that went back (or a server in another time zone) stays well
 * inside it; a stray folder such as 99999999-999999 does not, and ordering
 * after it would make every later name invalid or years ahead.
 */
export const EPOCH_HORIZON_MS = 7 * 24 * 3_600_000

/** Epoch-shaped names too far ahead of the clock to order new names by. */
export function namesBeyondHorizon(
  now: Date,
  existing: Iterable<string>,
): string[] {
  const horizon = formatEpoch(new Date(now.getTime() + EPOCH_HORIZON_MS))
  return [...existing].filter((name) => looksLikeEpoch(name) && name > horizon)
}

/**
 * Picks the name for a new epoch: now, unless an existing epoch-shaped name
 * (within the horizon) is the same or later, in which case one second after
 * the latest valid time at or above it.
 */
export function nextEpochName(now: Date, existing: Iterable<string>): string {
  const candidate = formatEpoch(now)
  const horizon = formatEpoch(new Date(now.getTime() + EPOCH_HORIZON_MS))
  let latest: string | undefined

  for (const name of existing) {
    const counts = looksLikeEpoch(name) && name <= horizon
    if (counts && (latest === undefined || name > latest)) latest = name
  }
  if (latest === undefined || candidate > latest) return candidate

  return formatEpoch(new Date(latestValidTime(latest).getTime() + 1000))
}

// Shape-valid but impossible names (SameGoal's own example has minute 90)
// are clamped to the last valid second of that day, which sorts at or
// above them as text, so the next name still sorts after them.
function latestValidTime(name: string): Date {
  const parsed = parseEpoch(name)
  if (parsed) return parsed

  const y = Number(name.slice(0, 4))
  const mo = Math.min(Math.max(Number(name.slice(4, 6)), 1), 12)
  const d = Math.min(Math.max(Number(name.slice(6, 8)), 1), 31)
  const lastOfDay = new Date(y, mo - 1, d, 23, 59, 59)

  return formatEpoch(lastOfDay) >= name
    ? lastOfDay
    : new Date(y, mo, 0, 23, 59, 59)
}
