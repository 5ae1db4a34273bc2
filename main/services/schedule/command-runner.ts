import { spawn } from 'node:child_process'

/**
 * Runs the OS's scheduler tools (schtasks, launchctl, crontab, systemctl).
 * Injected everywhere so tests can put stand-in executables first on PATH,
 * or replace the runner outright.
 */

export interface CommandResult {
  /** The exit code; -1 when the program could not be started at all. */
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** Set when the program was not found or could not start. */
  readonly startError?: string
}

export interface RunRequest {
  readonly input?: string
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Arguments to leave out of anything logged (a password). */
  readonly secretArgs?: readonly number[]
}

export type CommandRunner = (
  program: string,
  args: readonly string[],
  request?: RunRequest,
) => Promise<CommandResult>

/** The real runner: no shell, output collected, never throws. */
export const runCommand: CommandRunner = (program, args, request = {}) =>
  new Promise((resolve) => {
    const child = spawn(program, [...args], {
      env: request.env ?? process.env,
      ...(request.cwd ? { cwd: request.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    })
    let stdout = ''
    let stderr = ''

    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', (error) =>
      resolve({ code: -1, stdout, stderr, startError: error.message }),
    )
    child.once('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }),
    )
    child.stdin.on('error', () => undefined)
    child.stdin.end(request.input ?? '')
  })

/** The arguments as safe to log: secrets replaced. */
export function loggableArgs(
  args: readonly string[],
  secret: readonly number[] = [],
): string[] {
  return args.map((arg, i) => (secret.includes(i) ? '********' : arg))
}
