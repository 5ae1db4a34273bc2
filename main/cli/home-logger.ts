import fs from 'node:fs'
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

  try {
    return openDailyLogger(`${home}/logs`)
  } catch (error) {
    const reason = pathErrorFrom(error)?.message ?? String(error)
    io.stderr(`Warning: no log is kept for this command. ${reason}\n`)
    return silentLogger()
  }
}

function pathKind(file: string): 'missing' | 'folder' | 'other' {
  try {
    return fs.statSync(file).isDirectory() ? 'folder' : 'other'
  } catch {
    return 'missing'
  }
}
