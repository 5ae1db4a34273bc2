/**
 * The next nightly run from a district's `at` time (HH:MM, local). The OS
 * scheduler fires the task; this only says when it should next fire, for
 * the fleet view.
 */

/** The next local occurrence of HH:MM strictly after now. */
export function nextRunAt(at: string, now: Date): Date {
  const [hours, minutes] = at.split(':').map(Number) as [number, number]
  const next = new Date(now)
  next.setHours(hours, minutes, 0, 0)
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1)

  return next
}

/** Adds minutes to HH:MM, wrapping at midnight: for staggered copies. */
export function staggerTime(at: string, minutes: number): string {
  const [h, m] = at.split(':').map(Number) as [number, number]
  const total = (((h * 60 + m + minutes) % 1440) + 1440) % 1440
  const pad = (n: number): string => String(n).padStart(2, '0')

  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`
}
