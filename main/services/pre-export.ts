import { spawn } from 'node:child_process'
import { AppError } from '../../shared/errors'
import type { Logger } from './logger'

/**
 * Runs the district's own command that produces the export (an ESC script
 * driving Ascender) before the file is picked up. It gets a time limit so
 * a hung script cannot hold the night's run, and only the tail of its
 * output is logged: a script that echoes records must not fill the log
 * with student data.
 */

const TAIL_BYTES = 2000

/** Runs the command through the system shell; throws PRE_EXPORT_FAILED. */
export function runPreExport(
  command: string,
  timeoutMs: number,
  log: Logger,
  signal?: AbortSignal,
): Promise<void> {
  log.info({ step: 'pre-export', timeoutMs }, 'pre-export command started')

  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group, so a time-out ends the script's children too.
      detached: process.platform !== 'win32',
    })
    let tail = ''
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)

    let timedOut = false
    const stop = (): void => {
      timedOut = true
      killTree(child.pid)
    }
    const timer = setTimeout(stop, timeoutMs)
    signal?.addEventListener('abort', stop)

    child.once('error', (error) => {
      clearTimeout(timer)
      reject(failure(`could not be started`, tail, error))
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      log.info(
        { step: 'pre-export', code, outputTail: tail },
        'pre-export ended',
      )
      if (timedOut) {
        reject(failure(`did not finish within ${timeoutMs / 1000} s`, tail))
      } else if (code !== 0) {
        reject(failure(`ended with exit code ${code}`, tail))
      } else {
        resolve()
      }
    })
  })
}

// TODO: on Windows this ends only the shell; ending the script's own
// children there needs `taskkill /T`, which cannot be tried on this build
// machine.
function killTree(pid: number | undefined): void {
  if (pid === undefined) return

  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

function failure(reason: string, tail: string, cause?: unknown): AppError {
  return new AppError(
    'PRE_EXPORT_FAILED',
    `The command that makes the export ${reason}.`,
    { details: tail.trim().split('\n').slice(-5).join('\n'), cause },
  )
}
