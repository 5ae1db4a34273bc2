import dns from 'node:dns/promises'
import net from 'node:net'
import { AppError } from '../../shared/errors'
import type { CheckPhase } from '../../shared/reports'
import { connectThroughProxy, type ProxySpec } from './proxy-tunnel'

/**
 * The phases before SSH itself: look up the name, open TCP (directly or
 * through a proxy), and wait for the server's SSH greeting. The greeting is
 * read here, not by the SSH library, so "nothing answered" and "something
 * that is not SSH answered" are told apart from a failed handshake.
 */

export type LookupFn = (host: string) => Promise<string>

export interface TransportOptions {
  readonly host: string
  readonly port: number
  readonly proxy?: ProxySpec
  readonly lookup?: LookupFn
  readonly resolveMs: number
  readonly connectMs: number
  readonly greetingMs: number
  readonly phase: (name: CheckPhase) => void
}

/** Returns a paused socket whose first bytes are the server's SSH greeting. */
export async function openTransport(
  options: TransportOptions,
): Promise<net.Socket> {
  const { host, port } = options
  options.phase('resolve')

  let socket: net.Socket
  if (options.proxy) {
    // The proxy resolves the name; a local lookup could fail needlessly.
    options.phase('connect')
    socket = await connectThroughProxy(
      options.proxy,
      host,
      port,
      options.connectMs,
    )
  } else {
    const address = await resolveHost(
      host,
      options.lookup ?? defaultLookup,
      options.resolveMs,
    )
    options.phase('connect')
    socket = await connectTcp(address, port, options.connectMs)
  }

  // ssh2 never disables Nagle; without this, streamed writes crawl.
  socket.setNoDelay(true)
  socket.setKeepAlive(true, 10_000)
  options.phase('greet')
  await awaitGreeting(socket, `${host} port ${port}`, options.greetingMs)
  return socket
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
  const where = `${address} port ${port}`

  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new AppError(
          'NO_ANSWER',
          `No answer from ${where} within ${timeoutMs / 1000} s.`,
        ),
      )
    }, timeoutMs)

    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(tcpError(error, where))
    })
  })
}

function tcpError(error: NodeJS.ErrnoException, where: string): AppError {
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

const GREETING_LIMIT = 8192

// RFC 4253 lets a server send other lines before its "SSH-" line, so the
// greeting counts once a line starts with it, wherever that line is.
function awaitGreeting(
  socket: net.Socket,
  where: string,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0)

    const finish = (problem?: string): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      socket.off('error', onClose)
      socket.pause()
      if (problem === undefined) {
        socket.unshift(seen)
        resolve()
        return
      }
      socket.destroy()
      reject(noGreeting(where, problem, seen))
    }
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk])
      const text = seen.toString('latin1')
      if (/(^|\n)SSH-/.test(text)) finish()
      else if (seen.length > GREETING_LIMIT) finish('sent text that is not SSH')
    }
    const onClose = (): void =>
      finish('closed the connection without an SSH greeting')
    const timer = setTimeout(
      () =>
        finish(
          seen.length === 0
            ? `sent nothing within ${timeoutMs / 1000} s`
            : 'sent text that is not SSH',
        ),
      timeoutMs,
    )

    socket.on('data', onData)
    socket.once('close', onClose)
    socket.once('error', onClose)
  })
}

function noGreeting(where: string, problem: string, seen: Buffer): AppError {
  const sample = seen
    .subarray(0, 200)
    .toString('latin1')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()

  return new AppError(
    'NO_SSH_GREETING',
    `${where} accepted the connection but ${problem}: it is not answering as an SFTP server.`,
    {
      details: sample ? `first bytes received: ${sample}` : 'nothing received',
    },
  )
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
