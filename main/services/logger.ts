import fs from 'node:fs'
import path from 'node:path'
import { pino, type Logger } from 'pino'

/**
 * One logger per process. Application logs go to a daily file under the
 * home's log folder; each nightly run gets a file of its own so a scheduled
 * run that nobody watched still leaves a readable trace. Files older than
 * the retention period are removed when a logger opens.
 * Never log private keys, passphrases or student records.
 */

export type { Logger }

const RETENTION_DAYS = 30

const REDACT = [
  'privateKey',
  'passphrase',
  'password',
  '*.privateKey',
  '*.passphrase',
]

/** Opens a logger that writes JSON lines to the given file, synchronously. */
export function openFileLogger(
  file: string,
  bindings: Record<string, unknown> = {},
): Logger {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const destination = pino.destination({ dest: file, sync: true, mkdir: true })

  return pino({ level: 'debug', redact: REDACT, base: bindings }, destination)
}

/** The daily application log for this home. */
export function openDailyLogger(logsDir: string, now = new Date()): Logger {
  pruneOldLogs(logsDir, now)
  const day = now.toISOString().slice(0, 10)

  return openFileLogger(path.join(logsDir, `app-${day}.log`), {
    pid: process.pid,
  })
}

/** A log file for one upload run; returns the logger and its path. */
export function openRunLogger(
  runLogsDir: string,
  domain: string,
  now = new Date(),
): { log: Logger; file: string } {
  pruneOldLogs(runLogsDir, now)
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  const file = path.join(runLogsDir, `${domain}-${stamp}.log`)

  return { log: openFileLogger(file, { domain }), file }
}

/** A logger that discards everything, for tests and pure calls. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

function pruneOldLogs(dir: string, now: Date): void {
  const cutoff = now.getTime() - RETENTION_DAYS * 24 * 3600 * 1000
  let names: string[]

  try {
    names = fs.readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.endsWith('.log')) continue
    const file = path.join(dir, name)
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file)
    } catch {
      // A log another process is rotating at the same moment: leave it.
    }
  }
}
