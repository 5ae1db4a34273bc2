import http from 'node:http'
import type net from 'node:net'
import { SocksClient } from 'socks'
import { AppError } from '../../shared/errors'
import { proxyUrlSchema } from '../../shared/settings-schema'

/**
 * Outbound proxies, per district: an HTTP CONNECT proxy or a SOCKS5 proxy
 * opens the TCP path to the SFTP server. The server name is handed to the
 * proxy unresolved, because behind such proxies the local machine often
 * cannot look up internet names at all.
 */

export interface ProxySpec {
  readonly kind: 'http' | 'socks5'
  readonly host: string
  readonly port: number
  readonly username?: string
  readonly password?: string
}

/** Reads a proxy URL such as socks5://127.0.0.1:1080 or http://host:3128. */
export function parseProxyUrl(text: string): ProxySpec {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    throw badProxy(text)
  }

  const kind = url.protocol === 'http:' ? 'http' : socksKind(url.protocol)
  const port = Number(url.port)
  // A proxy is a host and a port: a path or query would be dropped unseen.
  const bare =
    (url.pathname === '' || url.pathname === '/') && !url.search && !url.hash
  if (!kind || !url.hostname || !Number.isInteger(port) || port < 1 || !bare)
    throw badProxy(text)

  return {
    kind,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  }
}

/**
 * Checks a proxy URL typed by a person: it must parse and be what the
 * settings file stores, so a value taken here is never refused on save.
 */
export function checkProxyUrl(text: string, label = 'The proxy'): string {
  const trimmed = text.trim()
  try {
    parseProxyUrl(trimmed)
  } catch {
    throw badProxy(trimmed, label)
  }
  if (!proxyUrlSchema.safeParse(trimmed).success) throw badProxy(trimmed, label)
  return trimmed
}

function socksKind(protocol: string): 'socks5' | undefined {
  return protocol === 'socks5:' || protocol === 'socks5h:'
    ? 'socks5'
    : undefined
}

function badProxy(text: string, label = 'The proxy'): AppError {
  return new AppError(
    'INVALID_INPUT',
    `${label} must look like socks5://HOST:PORT or http://HOST:PORT, not "${redactProxyUrl(text)}".`,
  )
}

/** The proxy URL with any password replaced, for logs and reports. */
export function redactProxyUrl(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}

/** Opens a TCP path to host:port through the proxy, or PROXY_FAILED. */
export async function connectThroughProxy(
  proxy: ProxySpec,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  return proxy.kind === 'http'
    ? httpConnect(proxy, host, port, timeoutMs)
    : socksConnect(proxy, host, port, timeoutMs)
}

async function socksConnect(
  proxy: ProxySpec,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  try {
    const { socket } = await SocksClient.createConnection({
      proxy: {
        host: proxy.host,
        port: proxy.port,
        type: 5,
        ...(proxy.username ? { userId: proxy.username } : {}),
        ...(proxy.password ? { password: proxy.password } : {}),
      },
      destination: { host, port },
      command: 'connect',
      timeout: timeoutMs,
    })
    socket.setTimeout(0)
    return socket
  } catch (error) {
    throw proxyError(proxy, host, port, error)
  }
}

function httpConnect(
  proxy: ProxySpec,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const auth = proxy.username
    ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`
    : undefined

  return new Promise((resolve, reject) => {
    const request = http.request({
      host: proxy.host,
      port: proxy.port,
      method: 'CONNECT',
      path: target,
      // A tunnel is never pooled or reused.
      agent: false,
      headers: {
        host: target,
        ...(auth ? { 'proxy-authorization': auth } : {}),
      },
      timeout: timeoutMs,
    })
    request.once('connect', (response, socket, head) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        const status = `${response.statusCode} ${response.statusMessage ?? ''}`
        reject(proxyError(proxy, host, port, new Error(status.trim())))
        return
      }
      // Bytes the proxy sent after its reply already belong to the server.
      if (head.length > 0) socket.unshift(head)
      // The set-up time limit must not linger on the tunnel's idle periods.
      socket.setTimeout(0)
      resolve(socket)
    })
    request.once('timeout', () => {
      request.destroy(new Error(`no reply within ${timeoutMs / 1000} s`))
    })
    request.once('error', (error) => {
      reject(proxyError(proxy, host, port, error))
    })
    request.end()
  })
}

function proxyError(
  proxy: ProxySpec,
  host: string,
  port: number,
  cause: unknown,
): AppError {
  const via = `${proxy.kind === 'http' ? 'HTTP' : 'SOCKS5'} proxy ${proxy.host} port ${proxy.port}`

  return new AppError(
    'PROXY_FAILED',
    `The ${via} did not open a connection to ${host} port ${port}.`,
    { cause, extra: { proxy: `${proxy.kind}://${proxy.host}:${proxy.port}` } },
  )
}
