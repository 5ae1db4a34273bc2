import fs from 'node:fs/promises'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import { AppError } from '../../shared/errors'

/**
 * Advisory locks between processes sharing a home (the wizard and a nightly
 * run). A lock whose holder crashed goes stale after `staleMs` because its
 * holder stops refreshing it, so a crash never blocks the next night.
 */

export interface LockOptions {
  /** How long to keep trying before giving up; 0 means fail at once. */
  readonly waitMs?: number
  readonly staleMs?: number
}

/** Runs `work` while holding the lock named by `target` (need not exist). */
export async function withLock<T>(
  target: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const release = await acquireLock(target, options)

  try {
    return await work()
  } finally {
    await release().catch(() => undefined)
  }
}

/** Takes the lock or throws a LockHeldError; returns the release function. */
export async function acquireLock(
  target: string,
  { waitMs = 10_000, staleMs = 30_000 }: LockOptions = {},
): Promise<() => Promise<void>> {
  await fs.mkdir(path.dirname(target), { recursive: true })
  const retries =
    waitMs > 0
      ? { retries: Math.ceil(waitMs / 100), minTimeout: 50, maxTimeout: 200 }
      : 0

  try {
    return await lockfile.lock(target, {
      realpath: false,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 3)),
      retries,
      onCompromised: () => undefined,
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new LockHeldError(target)
    }
    throw error
  }
}

/** The lock is held by a live process. */
export class LockHeldError extends AppError {
  constructor(target: string) {
    super(
      'RUN_IN_PROGRESS',
      `Another process holds the lock ${path.basename(target)}.`,
    )
  }
}
