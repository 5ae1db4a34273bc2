import { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'

/**
 * The rules that keep a practice district a practice district: it only
 * ever talks to the practice server on this computer, it never becomes a
 * real district by a settings change, and it is never scheduled.
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

type PracticeFields = Pick<DistrictSettings, 'domain' | 'host' | 'practice'>

/** True for a district marked as practice. */
export function isPractice(district: Pick<DistrictSettings, 'practice'>) {
  return district.practice === true
}

/** Refuses practice settings that point anywhere but this computer. */
export function assertPracticeStaysLocal(settings: PracticeFields): void {
  if (!isPractice(settings) || LOOPBACK.has(settings.host.toLowerCase())) return

  throw new AppError(
    'PRACTICE_REAL_HOST',
    `${settings.domain} is a practice district, so it cannot be pointed at ${settings.host}; it only connects to the practice server on this computer.`,
  )
}

/** Refuses a change that would turn a practice district into a real one. */
export function assertStillPractice(
  current: PracticeFields,
  next: PracticeFields,
): void {
  if (!isPractice(current) || isPractice(next)) return

  throw new AppError(
    'PRACTICE_REAL_HOST',
    `${current.domain} is a practice district and stays one. Add the real district with its own domain instead.`,
  )
}

/** For the scheduler: refuses to schedule a practice district. */
export function assertNotPractice(
  district: Pick<DistrictSettings, 'domain' | 'practice'>,
): void {
  if (!isPractice(district)) return

  throw new AppError(
    'PRACTICE_NOT_SCHEDULED',
    `${district.domain} is a practice district; it is never scheduled for a nightly upload.`,
  )
}
