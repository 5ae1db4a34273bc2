import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Runs the built CLI as a separate process, exactly as a user or a scheduler would. */

export const PROJECT_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
)
export const CLI_BIN = path.join(PROJECT_ROOT, 'bin', 'samegoal-ascender.mjs')

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** stdout parsed, when --json was given. */
  readonly json: Record<string, unknown>
}

/**
 * Runs `samegoal-ascender --home HOME ...args`; `input`, when given, is
 * what the command reads on standard input (for the --*-stdin flags).
 */
export function runCliProcess(
  home: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, '--home', home, ...args], {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    if (input !== undefined) child.stdin?.end(input)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => {
      let json: Record<string, unknown> = {}
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout) as Record<string, unknown>
        } catch {
          json = { unparsable: stdout }
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json })
    })
  })
}

/** A fresh temporary folder, removed by the caller's cleanup. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`))
}
