import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

/**
 * Starts Debian's OpenSSH `sshd` on 127.0.0.1 with its own config and host
 * keys, and SFTP-only chroot accounts laid out like SameGoal's: a writable
 * `/upload` and a readable `/upload-processed`. Needs root (CI and the dev
 * machines run as root) because sshd chroots and switches users.
 *
 * Every path of a chroot must be root-owned and not group- or
 * world-writable, so the server lives under /srv, not /tmp.
 */

export const SSHD = '/usr/sbin/sshd'
const BASE = '/srv/samegoal-test'

export interface SshdOptions {
  readonly accounts: readonly string[]
  /** Extra sshd_config lines, for example to refuse SHA-1 signatures. */
  readonly extraConfig?: readonly string[]
  readonly hostKeyType?: 'ed25519' | 'rsa'
  /** Which login the server accepts (default publickey). */
  readonly authMethod?: 'publickey' | 'password'
  /** false: no SFTP subsystem at all, as on a shell-only server. */
  readonly sftp?: boolean
}

export interface SshdServer {
  readonly port: number
  readonly dir: string
  /** The account's chroot on disk: holds `upload/` and `upload-processed/`. */
  accountRoot(account: string): string
  /** Installs a public key for an account (SameGoal's side of the key sync). */
  authorize(account: string, publicKeyLine: string): void
  /** The SHA256 fingerprint of the server's host key, as ssh-keygen prints it. */
  hostKeySha256(): string
  /** Replaces the host key and restarts, as a server rebuilt by its owner would. */
  regenerateHostKey(): Promise<void>
  /** The server's own log so far, for failing tests. */
  log(): string
  /** The per-connection sshd processes now running (not the listener). */
  connectionPids(): number[]
  stop(): Promise<void>
}

/** True where this harness can run: sshd installed and running as root. */
export function sshdAvailable(): boolean {
  return fs.existsSync(SSHD) && process.getuid?.() === 0
}

/** Starts a fresh server with the given accounts. */
export async function startSshd(options: SshdOptions): Promise<SshdServer> {
  const dir = path.join(BASE, crypto.randomBytes(4).toString('hex'))
  const etc = path.join(dir, 'etc')
  const keyType = options.hostKeyType ?? 'ed25519'
  const hostKey = path.join(etc, `ssh_host_${keyType}_key`)

  fs.mkdirSync(BASE, { recursive: true, mode: 0o755 })
  fs.chmodSync(BASE, 0o755)
  for (const sub of ['etc', 'authorized', 'chroot'])
    fs.mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o755 })
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  makeHostKey(hostKey, keyType)
  for (const account of options.accounts) createAccount(dir, account)

  const port = await freePort()
  const config = path.join(etc, 'sshd_config')
  fs.writeFileSync(config, sshdConfig(dir, port, hostKey, options))

  let child = await launch(config, port, dir)
  return {
    port,
    dir,
    accountRoot: (account) => path.join(dir, 'chroot', account),
    authorize: (account, line) => {
      const file = path.join(dir, 'authorized', account)
      fs.appendFileSync(file, `${line.trim()}\n`, { mode: 0o644 })
    },
    hostKeySha256: () => fingerprintOf(`${hostKey}.pub`),
    regenerateHostKey: async () => {
      await terminate(child)
      fs.rmSync(hostKey)
      fs.rmSync(`${hostKey}.pub`)
      makeHostKey(hostKey, keyType)
      child = await launch(config, port, dir)
    },
    log: () => readLog(dir),
    connectionPids: () => descendants(child.pid),
    stop: async () => {
      await terminate(child)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

function sshdConfig(
  dir: string,
  port: number,
  hostKey: string,
  options: SshdOptions,
): string {
  const password = options.authMethod === 'password'
  const sftp = options.sftp !== false
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized')}/%u`,
    `PubkeyAuthentication ${password ? 'no' : 'yes'}`,
    `PasswordAuthentication ${password ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin no',
    'StrictModes yes',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'MaxStartups 64',
    'LogLevel VERBOSE',
    ...(options.extraConfig ?? []),
    ...(sftp ? ['Subsystem sftp internal-sftp'] : []),
    'Match all',
    `    ChrootDirectory ${path.join(dir, 'chroot')}/%u`,
    ...(sftp ? ['    ForceCommand internal-sftp'] : []),
    '',
  ].join('\n')
}

function makeHostKey(file: string, type: 'ed25519' | 'rsa'): void {
  const bits = type === 'rsa' ? ['-b', '3072'] : []
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-f', file])
}

function fingerprintOf(pubFile: string): string {
  const out = execFileSync('ssh-keygen', [
    '-l',
    '-E',
    'sha256',
    '-f',
    pubFile,
  ]).toString()
  return out.split(' ')[1] ?? ''
}

// A system account named like the district's domain. Its password field is
// '*' rather than useradd's '!', because sshd refuses locked accounts even
// for key logins.
function createAccount(dir: string, account: string): void {
  // Test files run in parallel and may create the same account at once.
  if (!spawnQuiet('id', ['-u', account])) {
    const created = spawnQuiet('useradd', [
      '-M',
      '-d',
      '/',
      '-s',
      '/usr/sbin/nologin',
      account,
    ])
    if (!created && !spawnQuiet('id', ['-u', account]))
      throw new Error(`useradd ${account} failed`)
  }
  execFileSync('usermod', ['-p', '*', account])

  const root = path.join(dir, 'chroot', account)
  fs.mkdirSync(path.join(root, 'upload'), { recursive: true })
  fs.mkdirSync(path.join(root, 'upload-processed'), { recursive: true })
  fs.chmodSync(root, 0o755)
  execFileSync('chown', [`${account}:`, path.join(root, 'upload')])
  fs.chmodSync(path.join(root, 'upload-processed'), 0o755)
}

function spawnQuiet(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function launch(
  config: string,
  port: number,
  dir: string,
): Promise<ChildProcess> {
  const log = fs.openSync(path.join(dir, 'sshd.log'), 'a')
  const child = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', log, log],
  })
  fs.closeSync(log)

  await waitForBanner(port, child, dir)
  return child
}

async function waitForBanner(
  port: number,
  child: ChildProcess,
  dir: string,
): Promise<void> {
  const deadline = Date.now() + 10_000

  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`sshd exited at start:\n${readLog(dir)}`)
    if (await hasBanner(port)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`sshd did not start on port ${port}:\n${readLog(dir)}`)
}

function hasBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.setTimeout(1000)
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('SSH-'))
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return

  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

// Children of the listening sshd and theirs: one set per open connection.
function descendants(root: number | undefined): number[] {
  if (root === undefined) return []

  const parents = new Map<number, number>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(entry), ppid)
    } catch {
      // the process ended while being listed
    }
  }
  const found: number[] = []
  let frontier = [root]
  while (frontier.length > 0) {
    const next = [...parents]
      .filter(([, ppid]) => frontier.includes(ppid))
      .map(([pid]) => pid)
    found.push(...next)
    frontier = next
  }
  return found
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'sshd.log'), 'utf8')
  } catch {
    return ''
  }
}

/** A port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      )
    })
  })
}
