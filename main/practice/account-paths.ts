import fs from 'node:fs/promises'
import path from 'node:path'

/**
 * How the practice server maps the paths a client asks for onto the
 * account folder, and what it lets a district change. Like SameGoal's
 * server: everything under the account is readable, only what lies below
 * /upload is writable, and nothing outside the account is reachable.
 */

export class PathRefused extends Error {}

/** A name the account does not show, such as its authorized_keys. */
export class NotInAccount extends Error {}

/** What a district sees at the top of its account. */
export const ACCOUNT_FOLDERS = ['upload', 'upload-processed'] as const

export interface AccountPath {
  /** The normalised path as the client sees it, always starting with '/'. */
  readonly virtual: string
  /** The same place on disk. */
  readonly real: string
}

/**
 * Resolves a client path (absolute, or relative to the account's top) inside
 * the account. A path that climbs above the top or holds a NUL is refused
 * rather than quietly clamped, so a probing client learns nothing.
 */
export function resolveInAccount(
  accountRoot: string,
  requested: string,
): AccountPath {
  if (requested.includes('\0')) throw new PathRefused('NUL in path')

  const parts: string[] = []
  for (const part of requested.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) throw new PathRefused('path leaves the account')
      parts.pop()
      continue
    }
    parts.push(part)
  }

  const top = parts[0]
  if (
    top !== undefined &&
    !(ACCOUNT_FOLDERS as readonly string[]).includes(top)
  )
    throw new NotInAccount(top)
  return {
    virtual: `/${parts.join('/')}`,
    real: path.join(accountRoot, ...parts),
  }
}

/** True for a place the district may create, change or remove: below /upload. */
export function isWritable(target: AccountPath): boolean {
  return target.virtual.startsWith('/upload/')
}

/**
 * Checks that the nearest existing ancestor of a path really lies inside
 * the account, so a link placed in the folder by hand cannot lead out.
 */
export async function assertInside(
  accountRoot: string,
  target: AccountPath,
): Promise<void> {
  const top = await fs.realpath(accountRoot)
  let probe = target.real

  for (;;) {
    const real = await fs.realpath(probe).catch(() => undefined)
    if (real !== undefined) {
      if (real === top || real.startsWith(`${top}${path.sep}`)) return
      throw new PathRefused('path leaves the account')
    }
    const parent = path.dirname(probe)
    if (parent === probe) throw new PathRefused('path leaves the account')
    probe = parent
  }
}
