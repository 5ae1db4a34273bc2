import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { after } from 'node:test'
import { runCli, type RunOptions } from '../../main/cli/program'
import { tempDir } from '../harness/cli'

/** Helpers shared by the connection tests: in-process CLI runs and guards. */

export interface InProcessResult {
  readonly code: number
  readonly json: Record<string, unknown>
  readonly stderr: string
}

/** Runs the CLI in this process with --json, so hooks such as a resolver apply. */
export async function cliInProcess(
  home: string,
  args: readonly string[],
  overrides: RunOptions['overrides'] = {},
): Promise<InProcessResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['--home', home, ...args, '--json'], {
    io: {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    },
    overrides,
  })
  return { code, json: JSON.parse(stdout) as Record<string, unknown>, stderr }
}

/** A fresh home with one district pointed at host:port, with an Ed25519 key. */
export async function homeWithDistrict(
  domain: string,
  host: string,
  port: number,
  extra: readonly string[] = [],
): Promise<{ home: string; publicKey: string }> {
  const made = await makeHomeWithDistrict(domain, host, port, extra)
  after(() => fs.rmSync(made.home, { recursive: true, force: true }))
  return made
}

/** The same, for a before hook; the caller removes the home. */
export async function makeHomeWithDistrict(
  domain: string,
  host: string,
  port: number,
  extra: readonly string[] = [],
): Promise<{ home: string; publicKey: string }> {
  const home = tempDir('sg-conn')
  const added = await cliInProcess(home, [
    'district',
    'add',
    domain,
    '--host',
    host,
    '--port',
    String(port),
    ...extra,
  ])
  assert.equal(added.code, 0, JSON.stringify(added.json))
  const key = await cliInProcess(home, [
    'key',
    'generate',
    domain,
    '--type',
    'ed25519',
  ])
  assert.equal(key.code, 0, JSON.stringify(key.json))

  return { home, publicKey: String(key.json['publicKey']) }
}

/**
 * Fails the test file if anything escapes as an unhandled rejection or an
 * uncaught exception: a failed connection must always end as a result.
 */
export function failOnStrayErrors(): void {
  const stray: unknown[] = []
  const record = (error: unknown): void => {
    stray.push(error)
  }
  process.on('unhandledRejection', record)
  process.on('uncaughtException', record)

  after(() => {
    process.off('unhandledRejection', record)
    process.off('uncaughtException', record)
    assert.deepEqual(stray.map(String), [])
  })
}

/** True when iptables can add rules here (root, netfilter available). */
export function iptablesUsable(): boolean {
  try {
    execFileSync('iptables', ['-S', 'INPUT'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
