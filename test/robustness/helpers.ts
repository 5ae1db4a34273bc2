import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { CLI_BIN, tempDir } from '../harness/cli'
import { cliInProcess, type InProcessResult } from '../harness/in-process-cli'
import { freePort } from '../harness/openssh-server'

/** A home with one district on a closed local port, for bad-input tests. */
export interface BadInputHome {
  readonly home: string
  readonly closedPort: number
  cli(...args: string[]): Promise<InProcessResult>
  cleanup(): void
}

/** Makes a fresh home and adds `domain` pointing at a closed local port. */
export async function homeWithDistrict(
  domain: string,
  extra: readonly string[] = [],
): Promise<BadInputHome> {
  const home = tempDir('sg-robust')
  const closedPort = await freePort()
  const cli = (...args: string[]) => cliInProcess(home, [...args, '--json'])

  const added = await cli(
    'district',
    'add',
    domain,
    '--host',
    '127.0.0.1',
    '--port',
    String(closedPort),
    ...extra,
  )
  assert.equal(added.code, 0, added.stdout)
  return {
    home,
    closedPort,
    cli,
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  }
}

/** Asserts a failure as the README promises it: exit code, code, one JSON object. */
export function assertRefused(
  result: InProcessResult,
  exitCode: number,
  code: string,
): void {
  assert.equal(result.code, exitCode, result.stdout)
  assert.equal(result.json['ok'], false)
  assert.equal(result.json['code'], code, result.stdout)
  assert.equal(result.stdout.trim().split('\n').length, 1, 'one JSON line')
  assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at .+:\d+:\d+/)
  assert.ok(String(result.json['whatToDo']).length > 10)
}

/** Runs the built CLI with `input` on standard input (for --passphrase-stdin). */
export function cliWithStdin(
  home: string,
  args: readonly string[],
  input: string,
): Promise<InProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI_BIN, '--home', home, ...args, '--json'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => {
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(stdout) as Record<string, unknown>
      } catch {
        json = { unparsable: stdout }
      }
      resolve({ code: code ?? -1, stdout, stderr, json })
    })
    child.stdin.end(input)
  })
}
