import net from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of a test server that misbehaves on
 * cue: it cuts or resets a connection once so many bytes went upstream,
 * stalls it (stops forwarding in both directions but keeps it open, as a
 * dead link with live keepalives looks), resets it when a condition turns
 * true, or adds a fixed delay each way to imitate a long link.
 */

export type Fault =
  | { readonly kind: 'cut'; readonly afterBytes: number }
  | { readonly kind: 'reset'; readonly afterBytes: number }
  | { readonly kind: 'stall'; readonly afterBytes: number }
  | {
      readonly kind: 'reset-when'
      readonly when: () => boolean
      /** Slows this connection, so the reset lands before the answer does. */
      readonly delayMs?: number
    }

export interface ProxyOptions {
  readonly targetPort: number
  /** Added to each direction, so the round trip grows by twice this. */
  readonly delayMs?: number
  /** Faults for the first connections, in order; later ones pass cleanly. */
  readonly faults?: ReadonlyArray<Fault | undefined>
}

export interface FaultProxy {
  readonly port: number
  /** Connections accepted so far. */
  connections(): number
  /** Faults that actually fired. */
  fired(): number
  /** Replaces the faults for connections not yet made. */
  setFaults(faults: ReadonlyArray<Fault | undefined>): void
  close(): Promise<void>
}

const IN_FLIGHT_LIMIT = 16 * 1024 * 1024

/** Starts the proxy. */
export async function startFaultProxy(
  options: ProxyOptions,
): Promise<FaultProxy> {
  let faults = [...(options.faults ?? [])]
  let accepted = 0
  let fired = 0
  const open = new Set<net.Socket>()

  const server = net.createServer((client) => {
    const fault = faults.shift()
    accepted++
    const upstream = net.connect({
      host: '127.0.0.1',
      port: options.targetPort,
    })
    for (const socket of [client, upstream]) {
      open.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => open.delete(socket))
      socket.on('error', () => undefined)
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())

    let upBytes = 0
    let stalled = false
    const trip = (): void => {
      if (!fault || fault.kind === 'reset-when') return
      fired++
      if (fault.kind === 'stall') {
        stalled = true
      } else if (fault.kind === 'reset') {
        client.resetAndDestroy()
        upstream.resetAndDestroy()
      } else {
        client.destroy()
        upstream.destroy()
      }
    }

    const delay =
      (fault?.kind === 'reset-when' ? fault.delayMs : undefined) ??
      options.delayMs ??
      0
    pipe(
      client,
      upstream,
      delay,
      () => stalled,
      (n) => {
        upBytes += n
        if (fault && 'afterBytes' in fault && upBytes >= fault.afterBytes)
          trip()
      },
    )
    pipe(
      upstream,
      client,
      delay,
      () => stalled,
      () => undefined,
    )

    if (fault?.kind === 'reset-when') {
      const timer = setInterval(() => {
        if (!fault.when()) return
        clearInterval(timer)
        fired++
        client.resetAndDestroy()
        upstream.resetAndDestroy()
      }, 5)
      client.on('close', () => clearInterval(timer))
    }
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    port,
    connections: () => accepted,
    fired: () => fired,
    setFaults: (next) => {
      faults = [...next]
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

// Forwards in one direction, in order, optionally late; a stalled link
// swallows everything from then on.
function pipe(
  from: net.Socket,
  to: net.Socket,
  delayMs: number,
  isStalled: () => boolean,
  onBytes: (n: number) => void,
): void {
  let inFlight = 0
  from.on('data', (chunk: Buffer) => {
    if (isStalled()) return
    onBytes(chunk.length)
    if (isStalled() || to.destroyed) return

    if (delayMs === 0) {
      if (!to.write(chunk)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
      return
    }
    // Bound what sits "on the wire", as a real link's capacity would.
    inFlight += chunk.length
    if (inFlight > IN_FLIGHT_LIMIT) from.pause()
    setTimeout(() => {
      inFlight -= chunk.length
      if (!to.destroyed && !isStalled()) to.write(chunk)
      if (inFlight <= IN_FLIGHT_LIMIT && from.isPaused()) from.resume()
    }, delayMs)
  })
  from.on('end', () => setTimeout(() => to.end(), delayMs))
}
