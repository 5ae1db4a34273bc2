import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'

/**
 * Debian's cron daemon for the tests that edit the real crontab: the
 * product refuses to register an entry while cron is not running, so the
 * tests run the real daemon, started here in the foreground when the
 * machine has none running, and stopped again afterwards.
 */

const CRON = '/usr/sbin/cron'

export interface CronDaemon {
  /** False when a cron this harness did not start was already running. */
  readonly ours: boolean
  /** Stops the daemon this harness started (never the machine's own). */
  stop(): Promise<void>
  /** Starts it again after stop(). */
  start(): Promise<void>
}

/** True when some process named cron or crond is running. */
export function cronRunning(): boolean {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((pid) => {
      try {
        const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
        return comm === 'cron' || comm === 'crond'
      } catch {
        return false
      }
    })
}

/** Why the daemon cannot be run here, or undefined when it can. */
export function cronSkipReason(): string | undefined {
  if (cronRunning()) return undefined
  if (!fs.existsSync(CRON)) return 'needs Debian cron (/usr/sbin/cron)'
  if (process.getuid?.() !== 0) return 'needs root to start cron'
  return undefined
}

export async function ensureCron(): Promise<CronDaemon> {
  if (cronRunning()) {
    return { ours: false, stop: async () => undefined, start: async () => {} }
  }

  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    child = spawn(CRON, ['-f'], { stdio: 'ignore' })
    await waitFor(cronRunning, `${CRON} -f did not start`)
  }
  const stop = async (): Promise<void> => {
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child?.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
    child = undefined
    await waitFor(() => !cronRunning(), 'cron did not stop')
  }
  await start()
  return { ours: true, stop, start }
}

async function waitFor(test: () => boolean, failure: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (test()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(failure)
}
