import type net from 'node:net'
import ssh2, { type Client } from 'ssh2'
import SftpClient from 'ssh2-sftp-client'
import sshpk from 'sshpk'
import { AppError } from '../../shared/errors'
import { fingerprintMatches } from '../../shared/fingerprint'
import type { CheckPhase, ServerKey } from '../../shared/reports'
import type { HostKeyPin } from '../../shared/settings-schema'
import type { Logger } from './logger'
import type { ProxySpec } from './proxy-tunnel'
import {
  authRefusal,
  hostKeyRefusal,
  lostError,
  setupError,
  withServerKey,
  type HandshakeFacts,
} from './session-errors'
import { openTransport, withTimeout, type LookupFn } from './transport'

export { withTimeout, type LookupFn } from './transport'

/**
 * Opens an SFTP session to a district's account, one phase at a time, so
 * every failure can be named: the name did not resolve, the port refused,
 * nothing answered, something answered that is not SSH, the host key is
 * new or changed, the key was refused, SFTP is not offered, the server
 * went silent.
 */

/** How the server's host key is judged before anything is sent. */
export type HostKeyPolicy =
  | { readonly mode: 'pinned'; readonly pin: HostKeyPin | undefined }
  | {
      readonly mode: 'trust'
      readonly fingerprint: string
      readonly pin: HostKeyPin | undefined
    }
  | { readonly mode: 'first-use'; readonly pin: HostKeyPin | undefined }

export interface Timeouts {
  readonly resolveMs: number
  readonly connectMs: number
  readonly greetingMs: number
  /** From the greeting to a finished login. */
  readonly handshakeMs: number
  /** A keepalive every this long; three unanswered end the session. */
  readonly keepaliveMs: number
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  resolveMs: 10_000,
  connectMs: 15_000,
  greetingMs: 15_000,
  handshakeMs: 30_000,
  keepaliveMs: 10_000,
}

const KEEPALIVE_COUNT_MAX = 3

export interface SessionOptions {
  readonly host: string
  readonly port: number
  readonly username: string
  readonly privateKey: string
  readonly hostKey: HostKeyPolicy
  readonly log: Logger
  readonly timeouts?: Partial<Timeouts>
  readonly lookup?: LookupFn
  readonly proxy?: ProxySpec
  readonly onPhase?: (phase: CheckPhase) => void
}

export interface SftpSession {
  readonly sftp: SftpClient
  readonly serverKey: ServerKey
  /** 'new' when this connection trusted a key that was not pinned before. */
  readonly hostKeyDecision: 'existing' | 'new'
  /** Why the connection ended on its own (server silent, dropped), if it did. */
  lostError(): AppError | undefined
  close(): Promise<void>
}

/** Connects, verifies the host key, authenticates and opens SFTP. */
export async function openSession(
  options: SessionOptions,
): Promise<SftpSession> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
  const phase = (name: CheckPhase): void => {
    options.log.debug({ phase: name }, 'connection phase')
    options.onPhase?.(name)
  }
  // Checked before connecting: a damaged key would otherwise reach the
  // server and come back as "key refused", pointing at the wrong fix.
  assertUsableKey(options.privateKey)

  const socket = await openTransport({
    host: options.host,
    port: options.port,
    resolveMs: timeouts.resolveMs,
    connectMs: timeouts.connectMs,
    greetingMs: timeouts.greetingMs,
    phase,
    ...(options.proxy ? { proxy: options.proxy } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  })
  return handshake(socket, options, timeouts, phase)
}

interface SessionState extends HandshakeFacts {
  hostKeyDecision: 'existing' | 'new'
  serverSigAlgs?: readonly string[]
}

async function handshake(
  socket: net.Socket,
  options: SessionOptions,
  timeouts: Timeouts,
  phase: (name: CheckPhase) => void,
): Promise<SftpSession> {
  const state: SessionState = {
    hostKeyDecision: 'existing',
    authStarted: false,
    loggedIn: false,
  }
  const where = `${options.host} port ${options.port}`
  // The library's default global listeners print to stdout; ours log instead.
  const sftp = new SftpClient(`samegoal-${options.username}`, {
    error: (error: unknown) =>
      options.log.warn({ reason: String(error) }, 'connection error'),
    end: () => options.log.debug('connection ended'),
    close: () => options.log.debug('connection closed'),
  })
  // The underlying ssh2 client: its raw errors carry the failing level.
  const ssh = (sftp as unknown as { client: Client }).client
  ssh.on('error', (error: Error) => {
    state.rawError ??= error
  })
  ssh.on('ready', () => {
    state.loggedIn = true
    phase('open-sftp')
  })

  try {
    await sftp.connect({
      sock: socket,
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeout: timeouts.handshakeMs,
      keepaliveInterval: timeouts.keepaliveMs,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      hostVerifier: (key: Buffer) => {
        phase('verify-host')
        watchSignatureAlgorithms(ssh, state)
        return verifyHostKey(key, options.hostKey, state, options.username)
      },
      authHandler: authHandler(options, state, ssh, () =>
        phase('authenticate'),
      ),
    } as SftpClient.ConnectOptions)
  } catch (error) {
    socket.destroy()
    const named = setupError(error, state, where, options.username)
    const accepted = state.hostKeyDecision === 'new' && !state.hostKeyError
    throw withServerKey(named, state.serverKey, accepted)
  }

  const serverKey = state.serverKey
  if (!serverKey)
    throw new AppError('HANDSHAKE_FAILED', 'The server sent no host key.')

  return {
    sftp,
    serverKey,
    hostKeyDecision: state.hostKeyDecision,
    lostError: () => {
      const raw = state.rawError
      return raw ? lostError(raw, where) : undefined
    },
    close: () => closeQuietly(sftp, socket),
  }
}

function verifyHostKey(
  blob: Buffer,
  policy: HostKeyPolicy,
  state: SessionState,
  username: string,
): boolean {
  const key = sshpk.parseKey(blob, 'rfc4253')
  const seen: ServerKey = {
    type: key.type === 'ed25519' ? 'ssh-ed25519' : `${key.type}`,
    sha256: key.fingerprint('sha256').toString(),
    md5: `MD5:${key.fingerprint('md5').toString('hex')}`,
  }
  state.serverKey = seen

  const pin = policy.pin
  if (pin && pin.sha256 === seen.sha256) return true

  if (policy.mode === 'trust' && fingerprintMatches(policy.fingerprint, seen)) {
    state.hostKeyDecision = 'new'
    return true
  }
  if (!pin && policy.mode === 'first-use') {
    state.hostKeyDecision = 'new'
    return true
  }

  const given = policy.mode === 'trust' ? policy.fingerprint : undefined
  state.hostKeyError = hostKeyRefusal(seen, pin, given, username)
  return false
}

type Protocol = {
  _compatFlags?: number
  _handlers?: Record<string, (...args: unknown[]) => void>
}

// ssh2 falls back to SHA-1 `ssh-rsa` signatures when a server does not
// announce `server-sig-algs`. The announcement is not exposed, so it is
// read as it arrives; the login below refuses the silent fallback.
function watchSignatureAlgorithms(ssh: Client, state: SessionState): void {
  const protocol = (ssh as unknown as { _protocol?: Protocol })._protocol
  const handlers = protocol?._handlers
  const original = handlers?.['EXT_INFO']
  if (!handlers || !original || handlers['EXT_INFO'] !== original) return

  handlers['EXT_INFO'] = (...args: unknown[]) => {
    const exts = args[1] as { name: string; algs?: string[] }[] | undefined
    const sigAlgs = exts?.find((e) => e.name === 'server-sig-algs')?.algs
    if (sigAlgs) state.serverSigAlgs = sigAlgs
    original(...args)
  }
}

const IMPLY_RSA_SHA2 = 1 << 4

function rsaNeedsSha1(ssh: Client, state: SessionState): boolean {
  const protocol = (ssh as unknown as { _protocol?: Protocol })._protocol
  if (((protocol?._compatFlags ?? 0) & IMPLY_RSA_SHA2) !== 0) return false

  const algs = state.serverSigAlgs ?? []
  return !algs.includes('rsa-sha2-256') && !algs.includes('rsa-sha2-512')
}

/** Refuses a private key that ssh2 cannot load, before any connection. */
export function assertUsableKey(privateKey: string): void {
  const parsed = ssh2.utils.parseKey(privateKey)
  if (!(parsed instanceof Error)) return

  throw new AppError(
    'INVALID_KEY',
    'The district\u2019s stored private key is damaged or cut short, so it cannot be used. Import the key again, or generate a new keypair and share it with SameGoal.',
    { cause: parsed },
  )
}

type AuthCallback = (next: unknown) => void

function authHandler(
  options: SessionOptions,
  state: SessionState,
  ssh: Client,
  onStart: () => void,
) {
  const parsed = ssh2.utils.parseKey(options.privateKey)
  const isRsa = !(parsed instanceof Error) && parsed.type === 'ssh-rsa'

  return (
    methodsLeft: string[] | null,
    _partial: boolean | null,
    callback: AuthCallback,
  ): void => {
    if (!state.authStarted) {
      state.authStarted = true
      onStart()
      if (isRsa && rsaNeedsSha1(ssh, state)) {
        state.authError = new AppError(
          'NO_COMMON_ALGORITHMS',
          'The server accepts RSA keys only with SHA-1 signatures, which this program does not use. Use an Ed25519 key for this district.',
        )
        callback(false)
        return
      }
      callback({
        type: 'publickey',
        username: options.username,
        key: options.privateKey,
      })
      return
    }

    state.authError = authRefusal(options.username, methodsLeft ?? [])
    callback(false)
  }
}

async function closeQuietly(
  sftp: SftpClient,
  socket: net.Socket,
): Promise<void> {
  // An error while closing after the work is done must never turn a
  // finished, verified upload into a failure.
  try {
    await withTimeout(sftp.end(), 5000, 'close timed out')
  } catch {
    // already closed or the server went away
  } finally {
    socket.destroy()
  }
}
