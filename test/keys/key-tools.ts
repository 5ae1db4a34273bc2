import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { runCliProcess } from '../harness/cli'

/**
 * Key fixtures made during the test by the real tools (ssh-keygen,
 * openssl, puttygen), so each test holds the product against what
 * technicians' own tools produce.
 */

export const PASS = 'correct horse 7'
export const WRONG = 'wrong horse 7'

/** True where every tool the key tests need is installed. */
export function keyToolsAvailable(): boolean {
  return ['/usr/bin/ssh-keygen', '/usr/bin/openssl', '/usr/bin/puttygen'].every(
    (tool) => fs.existsSync(tool),
  )
}

export class KeyFixtures {
  constructor(readonly dir: string) {}

  file(name: string): string {
    return path.join(this.dir, name)
  }

  text(name: string): string {
    return fs.readFileSync(this.file(name), 'utf8')
  }

  /** ssh-keygen -t TYPE, with an optional passphrase and comment. */
  sshKeygen(
    name: string,
    type: 'rsa' | 'ed25519' | 'dsa',
    options: {
      passphrase?: string
      comment?: string
      bits?: number
      cipher?: string
    } = {},
  ): string {
    const file = this.file(name)
    run('ssh-keygen', [
      '-q',
      '-t',
      type,
      ...(options.bits ? ['-b', String(options.bits)] : []),
      ...(options.cipher ? ['-Z', options.cipher] : []),
      '-N',
      options.passphrase ?? '',
      '-C',
      options.comment ?? `${name} fixture`,
      '-f',
      file,
    ])
    return file
  }

  /** openssl with the arguments given; the output file is NAME. */
  openssl(name: string, args: readonly string[]): string {
    const [command = '', ...rest] = args
    run('openssl', [command, '-out', this.file(name), ...rest])
    fs.chmodSync(this.file(name), 0o600)
    return this.file(name)
  }

  /** puttygen converts SOURCE to a .ppk of the given version. */
  puttygen(
    name: string,
    source: string,
    version: 2 | 3,
    passphrase?: string,
  ): string {
    const args = [source, '-O', 'private', '-o', this.file(name)]
    args.push('--ppk-param', `version=${version}`)
    if (passphrase) {
      const passFile = this.file(`${name}.pass`)
      fs.writeFileSync(passFile, `${passphrase}\n`, { mode: 0o600 })
      args.push('--new-passphrase', passFile)
    } else {
      args.push('--new-passphrase', '/dev/null')
    }
    run('puttygen', args)
    return this.file(name)
  }
}

/** The SHA256 fingerprint ssh-keygen -l prints for a key file. */
export function sshKeygenSha256(file: string): string {
  const line = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', file])
  return line.split(' ')[1] ?? ''
}

/** The SHA256 fingerprint puttygen -l prints for a .ppk file. */
export function puttygenSha256(file: string): string {
  const line = run('puttygen', ['-l', file])
  return line.trim().split(' ').at(-1) ?? ''
}

/** The SHA256 fingerprint of a private key file in any form ssh-keygen reads. */
export function sshKeygenSha256OfPrivate(
  file: string,
  passphrase = '',
): string {
  fs.chmodSync(file, 0o600)
  const line = run('ssh-keygen', ['-y', '-P', passphrase, '-f', file])
  const pub = `${file}.derived.pub`
  fs.writeFileSync(pub, line)
  return sshKeygenSha256(pub)
}

/** The public key line ssh-keygen -y derives from a private key file. */
export function sshKeygenPublic(file: string): string {
  return run('ssh-keygen', ['-y', '-f', file]).trim()
}

export function run(tool: string, args: readonly string[]): string {
  return execFileSync(tool, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Runs a tool and returns its output as bytes. */
export function runBinary(tool: string, args: readonly string[]): Buffer {
  return execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] })
}

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly json: Record<string, unknown>
}

/** Runs the built CLI with --json, feeding `input` to its standard input. */
export function cliWithInput(
  home: string,
  args: readonly string[],
  input = '',
): Promise<CliRun> {
  return runCliProcess(home, ['--json', ...args], {}, input)
}
