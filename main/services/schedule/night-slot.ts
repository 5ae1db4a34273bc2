/**
 * The night a run belongs to: the most recent scheduled time at or before
 * it. A run started late after sleep still belongs to that night.
 */

/** The most recent scheduled time at or before `now` (local time). */
export function latestSlot(now: Date, at: string): Date {
  const [hour = 2, minute = 0] = at.split(':').map(Number)
  const slot = new Date(now)
  slot.setHours(hour, minute, 0, 0)
  if (slot > now) slot.setDate(slot.getDate() - 1)

  return slot
}

/** The next scheduled time after `now` (local time). */
export function nextRunAfter(now: Date, at: string): Date {
  const next = latestSlot(now, at)
  next.setDate(next.getDate() + 1)

  return next
}
