import path from 'node:path'
import type { Io } from '../cli/output'
import { extractGlobalFlags } from '../cli/global-flags'
import { resolveHome } from '../services/home'
import { openFileLogger, type Logger } from '../services/logger'
import { describeBindings, type NativeBindings } from './native-bindings'

/**
 * The packaged app's headless run, as the OS scheduler starts it. A GUI
 * program's console output is lost on Windows, so everything the command
 * prints also goes to a log file in the home; the exit code is the
 * command's own. Plain Node: tested without Electron.
 */

export interface HeadlessDeps {
  readonly runCli: (
    args: readonly string[],
    options: { io: Io },
  ) => Promise<number>
  readonly bindings: () => NativeBindings
  readonly env?: NodeJS.ProcessEnv
  readonly now?: () => Date
  /** Where the command's output is also shown; default the process's. */
  readonly io?: Io
}

export interface HeadlessOutcome {
  readonly exitCode: number
  readonly logFile: string
}

/** Runs one command headless and returns its exit code and log file. */
export async function runHeadless(
  args: readonly string[],
  deps: HeadlessDeps,
): Promise<HeadlessOutcome> {
  const flags = extractGlobalFlags(args)
  const home = resolveHome(flags.home, deps.env ?? process.env)
  const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')
  const logFile = path.join(home, 'logs', `headless-${stamp}.log`)
  const log = openFileLogger(logFile, { pid: process.pid, mode: 'headless' })

  log.info({ args: [...flags.rest] }, 'headless run started')
  log.info(describeBindings(deps.bindings()))
  const exitCode = await runLogged(args, deps, log)
  log.info({ exitCode }, 'headless run finished')
  log.flush()

  return { exitCode, logFile }
}

async function runLogged(
  args: readonly string[],
  deps: HeadlessDeps,
  log: Logger,
): Promise<number> {
  const shown = deps.io ?? {
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
  }
  const io: Io = {
    stdout: (text) => {
      log.info({ stream: 'stdout' }, text.trimEnd())
      shown.stdout(text)
    },
    stderr: (text) => {
      log.warn({ stream: 'stderr' }, text.trimEnd())
      shown.stderr(text)
    },
  }

  try {
    return await deps.runCli(args, { io })
  } catch (error) {
    log.error({ err: error }, 'headless run crashed')
    return 1
  }
}
