import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import { AppError } from '../../shared/errors'

/**
 * Advisory locks between processes sharing a home (the wizard and a nightly
 * run). A lock whose holder crashed goes stale after `staleMs` because its
 * holder stops refreshing it; on the same machine it is taken over at once
 * when the process that took it no longer exists, so a killed run never
 * blocks the next night.
 */

export interface LockOptions {
  /** How long to keep trying before giving up; 0 means fail at once. */
  readonly waitMs?: number
  readonly staleMs?: number
}

interface Owner {
  readonly pid: number
  readonly host: string
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
  options: LockOptions = {},
): Promise<() => Promise<void>> {
  await fs.mkdir(path.dirname(target), { recursive: true })

  try {
    return await lockOnce(target, options)
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error
    if (!(await holderIsGone(target))) throw error

    // The holder was killed before it could release: take the lock over.
    await fs.rm(lockDir(target), { recursive: true, force: true })
    return lockOnce(target, options)
  }
}

async function lockOnce(
  target: string,
  { waitMs = 10_000, staleMs = 30_000 }: LockOptions,
): Promise<() => Promise<void>> {
  const retries =
    waitMs > 0
      ? { retries: Math.ceil(waitMs / 100), minTimeout: 50, maxTimeout: 200 }
      : 0

  let release: () => Promise<void>
  try {
    release = await lockfile.lock(target, {
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

  // Beside the lock folder, not in it: the library removes the folder with
  // rmdir, which only works while it is empty.
  const owner: Owner = { pid: process.pid, host: os.hostname() }
  await fs
    .writeFile(ownerFile(target), JSON.stringify(owner))
    .catch(() => undefined)

  return async () => {
    await fs.rm(ownerFile(target), { force: true })
    await release()
  }
}

function lockDir(target: string): string {
  return `${target}.lock`
}

function ownerFile(target: string): string {
  return `${target}.lock-owner`
}

// Only a holder on this machine can be judged; one elsewhere (a shared
// network home) is left to the staleness timeout.
async function holderIsGone(target: string): Promise<boolean> {
  let owner: Owner
  try {
    const text = await fs.readFile(ownerFile(target), 'utf8')
    owner = JSON.parse(text) as Owner
  } catch {
    return false
  }
  if (owner.host !== os.hostname() || !Number.isInteger(owner.pid)) return false
  if (owner.pid === process.pid) return false

  try {
    process.kill(owner.pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
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
