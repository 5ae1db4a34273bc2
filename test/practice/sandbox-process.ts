import { spawn, type ChildProcess } from 'node:child_process'
import { CLI_BIN } from '../harness/cli'

/** Runs `samegoal-ascender sandbox` as a separate process, as a person would. */

export interface SandboxProcess {
  readonly port: number
  /** What the server wrote to stderr so far: logins, refusals, processing. */
  log(): string
  stop(): Promise<void>
}

/** Starts the sandbox and resolves once it printed its ready line. */
export function startSandbox(
  home: string,
  args: readonly string[],
): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    [CLI_BIN, '--home', home, 'sandbox', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))

  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`sandbox exited with ${code}:\n${stdout}${stderr}`)),
    )
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      const ready = /^listening on 127\.0\.0\.1:(\d+)$/m.exec(stdout)
      if (!ready) return

      child.removeAllListeners('exit')
      resolve({
        port: Number(ready[1]),
        log: () => stderr,
        stop: () => stop(child),
      })
    })
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return

  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}
