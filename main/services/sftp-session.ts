import dns from 'node:dns/promises'
import net from 'node:net'
import SftpClient from 'ssh2-sftp-client'
import sshpk from 'sshpk'
import { AppError } from '../../shared/errors'
import { fingerprintMatches } from '../../shared/fingerprint'
import type { CheckPhase, ServerKey } from '../../shared/reports'
import type { HostKeyPin } from '../../shared/settings-schema'
import type { Logger } from './logger'

/**
 * Opens an SFTP session to a district's account, one phase at a time, so
 * every failure can be named: the name did not resolve, the port refused,
 * nothing answered, something answered that is not SSH, the host key is
 * new or changed, the key was refused, SFTP is not offered.
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
  readonly handshakeMs: number
  readonly keepaliveMs: number
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  resolveMs: 10_000,
  connectMs: 15_000,
  greetingMs: 15_000,
  handshakeMs: 30_000,
  keepaliveMs: 10_000,
}

export type LookupFn = (host: string) => Promise<string>

export interface SessionOptions {
  readonly host: string
  readonly port: number
  readonly username: string
  readonly privateKey: string
  readonly hostKey: HostKeyPolicy
  readonly log: Logger
  readonly timeouts?: Partial<Timeouts>
  readonly lookup?: LookupFn
  readonly onPhase?: (phase: CheckPhase) => void
}

export interface SftpSession {
  readonly sftp: SftpClient
  readonly serverKey: ServerKey
  /** 'new' when this connection trusted a key that was not pinned before. */
  readonly hostKeyDecision: 'existing' | 'new'
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

  phase('resolve')
  const address = await resolveHost(
    options.host,
    options.lookup ?? defaultLookup,
    timeouts.resolveMs,
  )

  phase('connect')
  const socket = await connectTcp(address, options.port, timeouts.connectMs)

  phase('greet')
  return handshake(socket, options, timeouts, phase)
}

async function defaultLookup(host: string): Promise<string> {
  const { address } = await dns.lookup(host)
  return address
}

async function resolveHost(
  host: string,
  lookup: LookupFn,
  timeoutMs: number,
): Promise<string> {
  if (net.isIP(host)) return host

  try {
    return await withTimeout(lookup(host), timeoutMs, 'name lookup timed out')
  } catch (error) {
    throw new AppError(
      'DNS_NOT_FOUND',
      `The name ${host} could not be found.`,
      { cause: error },
    )
  }
}

function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new AppError(
          'NO_ANSWER',
          `No answer from ${address} port ${port} within ${timeoutMs / 1000} s.`,
        ),
      )
    }, timeoutMs)

    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      // ssh2 never disables Nagle; without this, streamed writes crawl.
      socket.setNoDelay(true)
      socket.setKeepAlive(true, 10_000)
      resolve(socket)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(tcpError(error, address, port))
    })
  })
}

function tcpError(
  error: NodeJS.ErrnoException,
  address: string,
  port: number,
): AppError {
  const where = `${address} port ${port}`

  switch (error.code) {
    case 'ECONNREFUSED':
      return new AppError(
        'CONNECTION_REFUSED',
        `${where} refused the connection.`,
        { cause: error },
      )
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AppError('NO_ANSWER', `No answer from ${where}.`, {
        cause: error,
      })
    default:
      return new AppError(
        'CONNECTION_LOST',
        `The connection to ${where} failed.`,
        { cause: error },
      )
  }
}

interface HandshakeState {
  greeted: boolean
  serverKey?: ServerKey
  hostKeyError?: AppError
  hostKeyDecision: 'existing' | 'new'
  authError?: AppError
  rawError?: Error & { level?: string }
}

async function handshake(
  socket: net.Socket,
  options: SessionOptions,
  timeouts: Timeouts,
  phase: (name: CheckPhase) => void,
): Promise<SftpSession> {
  const state: HandshakeState = { greeted: false, hostKeyDecision: 'existing' }
  // The library's default global listeners print to stdout; ours log instead.
  const sftp = new SftpClient(`samegoal-${options.username}`, {
    error: (error: unknown) =>
      options.log.warn({ reason: String(error) }, 'connection error'),
    end: () => options.log.debug('connection ended'),
    close: () => options.log.debug('connection closed'),
  })
  // The underlying ssh2 client: its raw errors carry the failing level.
  const ssh = (sftp as unknown as { client: import('ssh2').Client }).client

  watchGreeting(socket, state)
  ssh.on('error', (error: Error) => {
    state.rawError = error
  })

  try {
    await sftp.connect({
      sock: socket,
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeout: timeouts.handshakeMs,
      keepaliveInterval: timeouts.keepaliveMs,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        phase('verify-host')
        return verifyHostKey(key, options.hostKey, state)
      },
      authHandler: authHandler(options, state, () => phase('authenticate')),
    } as SftpClient.ConnectOptions)
  } catch (error) {
    socket.destroy()
    throw connectError(error, state, options)
  }

  phase('open-sftp')
  const serverKey = state.serverKey
  if (!serverKey)
    throw new AppError('HANDSHAKE_FAILED', 'The server sent no host key.')

  return {
    sftp,
    serverKey,
    hostKeyDecision: state.hostKeyDecision,
    close: () => closeQuietly(sftp, socket),
  }
}

function watchGreeting(socket: net.Socket, state: HandshakeState): void {
  const onData = (chunk: Buffer): void => {
    if (chunk.toString('latin1').includes('SSH-')) state.greeted = true
    socket.off('data', onData)
  }
  socket.on('data', onData)
}

function verifyHostKey(
  blob: Buffer,
  policy: HostKeyPolicy,
  state: HandshakeState,
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

  state.hostKeyError = hostKeyRefusal(seen, pin, policy)
  return false
}

function hostKeyRefusal(
  seen: ServerKey,
  pin: HostKeyPin | undefined,
  policy: HostKeyPolicy,
): AppError {
  const extra = { serverKey: seen, ...(pin ? { pinnedKey: pin } : {}) }

  if (pin) {
    return new AppError(
      'HOST_KEY_CHANGED',
      `The server's host key changed: it was ${pin.sha256}, now it is ${seen.sha256}. Nothing was sent.`,
      { extra },
    )
  }
  const given =
    policy.mode === 'trust'
      ? ` It does not match the fingerprint given (${policy.fingerprint}).`
      : ''
  return new AppError(
    'HOST_KEY_UNTRUSTED',
    `The server's ${seen.type} host key is not trusted yet: ${seen.sha256} (${seen.md5}).${given}`,
    { extra },
  )
}

type AuthCallback = (next: unknown) => void

function authHandler(
  options: SessionOptions,
  state: HandshakeState,
  onStart: () => void,
) {
  let attempted = false

  return (
    methodsLeft: string[] | null,
    _partial: boolean | null,
    callback: AuthCallback,
  ): void => {
    if (!attempted) {
      attempted = true
      onStart()
      callback({
        type: 'publickey',
        username: options.username,
        key: options.privateKey,
      })
      return
    }

    const offered = methodsLeft ?? []
    state.authError = offered.includes('publickey')
      ? new AppError(
          'AUTH_REFUSED',
          `The server refused the key for the account "${options.username}".`,
          {
            extra: { methodsOffered: offered },
          },
        )
      : new AppError(
          'AUTH_METHOD_UNSUPPORTED',
          `The server does not accept keys for "${options.username}"; it offered: ${offered.join(', ') || 'nothing'}.`,
          { extra: { methodsOffered: offered } },
        )
    callback(false)
  }
}

function connectError(
  error: unknown,
  state: HandshakeState,
  options: SessionOptions,
): AppError {
  if (error instanceof AppError) return error
  if (state.hostKeyError) return state.hostKeyError
  if (state.authError) return state.authError

  const raw: (Error & { level?: string }) | undefined =
    state.rawError ?? (error as Error)
  const details = raw?.message ?? String(error)
  const where = `${options.host} port ${options.port}`

  if (!state.greeted) {
    return new AppError(
      'NO_SSH_GREETING',
      `${where} accepted the connection but did not answer as an SFTP server.`,
      {
        details,
      },
    )
  }
  if (raw?.level === 'client-authentication') {
    return new AppError(
      'AUTH_REFUSED',
      `The server refused the key for the account "${options.username}".`,
      {
        details,
      },
    )
  }
  if (state.serverKey === undefined) {
    return new AppError(
      'HANDSHAKE_FAILED',
      `The secure connection to ${where} could not be set up.`,
      { details },
    )
  }
  if (/sftp|subsystem|channel/i.test(details)) {
    return new AppError(
      'SFTP_UNAVAILABLE',
      `${where} does not offer SFTP for this account.`,
      { details },
    )
  }
  return new AppError(
    'CONNECTION_LOST',
    `The connection to ${where} dropped during setup.`,
    { details },
  )
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

/** Rejects when the promise does not settle in time. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
