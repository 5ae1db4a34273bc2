import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import { pathErrorFrom } from '../../shared/fs-errors'
import { openDailyLogger, silentLogger, type Logger } from '../services/logger'
import type { Io } from './output'

/**
 * Opens the home's daily log. A home that is a file is refused at once; a
 * home where the log cannot be written (read-only disk, no permission)
 * still lets the commands that only read work, with a warning on stderr,
 * and any write that follows fails with its own clear message.
 */
export function openHomeLogger(home: string, io: Io): Logger {
  const kind = pathKind(home)
  if (kind === 'other') {
    throw new AppError(
      'PATH_UNUSABLE',
      `The home ${home} is a file, not a folder.`,
    )
  }

  if (kind === 'missing') createHome(home)
  try {
    return openDailyLogger(`${home}/logs`)
  } catch (error) {
    const reason = pathErrorFrom(error)?.message ?? String(error)
    io.stderr(`Warning: no log is kept for this command. ${reason}\n`)
    return silentLogger()
  }
}

// Level by level: Node's recursive mkdir loops forever where a folder
// cannot be made but its parent exists (under /proc, for one).
function createHome(home: string): void {
  const missing: string[] = []
  for (let at = path.resolve(home); pathKind(at) === 'missing';) {
    missing.unshift(at)
    const parent = path.dirname(at)
    if (parent === at) break
    at = parent
  }
  try {
    for (const folder of missing) fs.mkdirSync(folder)
  } catch (error) {
    throw new AppError(
      'PATH_UNUSABLE',
      `The home ${home} cannot be created: ${pathErrorFrom(error)?.message ?? String(error)} Check the --home path for a typing mistake, or choose a folder this account may write to.`,
      { cause: error },
    )
  }
}

function pathKind(file: string): 'missing' | 'folder' | 'other' {
  try {
    return fs.statSync(file).isDirectory() ? 'folder' : 'other'
  } catch {
    return 'missing'
  }
}
