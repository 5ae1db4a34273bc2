import assert from 'node:assert/strict'
import fs from 'node:fs'
import { runCliProcess, tempDir } from '../harness/cli'
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
  return runCliProcess(home, [...args, '--json'], {}, input)
}
