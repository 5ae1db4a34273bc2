import fs from 'node:fs/promises'
import type { SFTPWrapper } from 'ssh2'
import { AppError } from '../../shared/errors'
import type { TransferReport } from '../../shared/upload-reports'
import type { Logger } from './logger'
import { exportUnreadable } from './export-file'
import { openChannelPool, type ChannelPool } from './sftp-channels'
import {
  closeRemote,
  isServerStatus,
  openRemote,
  removeRemote,
  type Remote,
} from './remote-ops'

/**
 * Sends one local file to one remote path, fast. Writes go out in chunks
 * of the server's maximum write length, many at a time, over several SFTP
 * channels of the same connection: each channel has its own flow-control
 * window, so on a long link the channels together keep far more data in
 * flight than one can. A server that refuses parallel or out-of-order
 * writes gets the same file again, sequentially. A watchdog aborts when no
 * write completes for `stallMs`.
 */

export interface TransferOptions {
  readonly channels: number
  readonly concurrency: number
  readonly stallMs: number
  readonly log: Logger
  readonly signal?: AbortSignal
  readonly onProgress?: (bytesSent: number) => void
  /** Channels opened ahead of time, while the epoch folder was made. */
  readonly pool?: ChannelPool
}

interface Plan {
  readonly channels: readonly SFTPWrapper[]
  readonly inFlight: number
}

// ssh2 sets this from OpenSSH's limits@openssh.com reply (261120 bytes);
// other servers get ssh2's safe default.
const FALLBACK_CHUNK = 32 * 1024

/** Uploads the file, sequentially again if the server refuses parallel writes. */
export async function transferFile(
  remote: Remote,
  localPath: string,
  bytes: number,
  remotePath: string,
  options: TransferOptions,
): Promise<TransferReport> {
  const chunk = maxWriteLength(remote.sftp)
  const own = options.pool
    ? undefined
    : openChannelPool(remote, bytes, options.channels, options.log)
  const pool = (options.pool ?? own) as ChannelPool
  const send = (plan: Plan): Promise<TransferReport> =>
    sendWithPlan(localPath, bytes, remotePath, plan, chunk, options)

  try {
    if (options.concurrency === 1) {
      return await send({ channels: [remote.sftp], inFlight: 1 })
    }
    try {
      const channels = await pool.ready
      return await send({ channels, inFlight: lanes(options, channels) })
    } catch (error) {
      if (!isServerStatus(error)) throw error

      options.log.warn(
        { reason: String(error), step: 'transfer' },
        'the server refused parallel writes; sending again sequentially',
      )
      await removeRemote(remote, remotePath)
      return await send({ channels: [remote.sftp], inFlight: 1 })
    }
  } finally {
    own?.close()
  }
}

// Writes in flight per channel. One channel may queue about two windows'
// worth; more than that only sits in memory, so with several channels each
// gets its share, never fewer than eight.
function lanes(options: TransferOptions, channels: SFTPWrapper[]): number {
  return Math.max(8, Math.ceil(options.concurrency / channels.length))
}

function maxWriteLength(sftp: SFTPWrapper): number {
  const raw = (sftp as unknown as { _maxWriteLen?: number })._maxWriteLen
  return typeof raw === 'number' && raw > 0 ? raw : FALLBACK_CHUNK
}

async function sendWithPlan(
  localPath: string,
  bytes: number,
  remotePath: string,
  plan: Plan,
  chunk: number,
  options: TransferOptions,
): Promise<TransferReport> {
  const channels = [...plan.channels]
  const mode = plan.inFlight > 1 ? 'parallel' : 'sequential'
  const report = {
    mode,
    channels: channels.length,
    chunkBytes: chunk,
    inFlight: plan.inFlight,
  } as const
  options.log.info({ step: 'transfer', ...report }, 'transfer started')

  const local = await fs.open(localPath, 'r').catch((error: unknown) => {
    throw exportUnreadable(localPath, error)
  })
  const read: ReadLocal = async (buffer, length, position) => {
    try {
      return (await local.read(buffer, 0, length, position)).bytesRead
    } catch (error) {
      throw exportUnreadable(localPath, error)
    }
  }
  try {
    await writeAll(
      channels,
      remotePath,
      read,
      bytes,
      chunk,
      plan.inFlight,
      options,
    )
    return report
  } finally {
    await local.close()
  }
}

/** Reads part of the local export; a failure is the file's, not the link's. */
type ReadLocal = (
  buffer: Buffer,
  length: number,
  position: number,
) => Promise<number>

interface Shared {
  next: number
  sent: number
  lastProgress: number
  failure?: unknown
}

async function writeAll(
  channels: SFTPWrapper[],
  remotePath: string,
  read: ReadLocal,
  bytes: number,
  chunk: number,
  inFlight: number,
  options: TransferOptions,
): Promise<void> {
  const shared: Shared = { next: 0, sent: 0, lastProgress: Date.now() }
  const stop = (failure: unknown): void => {
    shared.failure ??= failure
  }
  // A dead link may never answer the writes in flight; the watchdog's
  // verdict ends the wait for them.
  let stalled = (): void => undefined
  const abandoned = new Promise<void>((resolve) => (stalled = resolve))
  const watchdog = startWatchdog(shared, channels, options, stop, stalled)

  try {
    const handles = await openHandles(channels, remotePath, options.stallMs)
    const workers = channels.flatMap((sftp, i) =>
      Array.from({ length: inFlight }, () =>
        pump(
          sftp,
          handles[i] as Buffer,
          read,
          bytes,
          chunk,
          shared,
          options,
          stop,
        ),
      ),
    )
    await Promise.race([Promise.all(workers), abandoned])
    if (shared.failure === undefined) {
      await closeHandles(channels, handles, options.stallMs)
    } else if (linkAlive(shared.failure)) {
      // A courtesy only: the failure is what the caller hears about.
      await closeHandles(channels, handles, options.stallMs).catch(
        () => undefined,
      )
    }
  } catch (error) {
    stop(error)
  } finally {
    watchdog()
  }
  if (shared.failure !== undefined) throw shared.failure
}

function closeHandles(
  channels: SFTPWrapper[],
  handles: Buffer[],
  timeoutMs: number,
): Promise<unknown> {
  return Promise.all(
    channels.map((sftp, i) =>
      closeRemote(channelRemote(sftp, timeoutMs), handles[i] as Buffer),
    ),
  )
}

// After a server refusal or a cancel the connection still answers; after
// a lost or stalled link, waiting for answers would only add delay.
function linkAlive(failure: unknown): boolean {
  if (failure instanceof AppError) return failure.code === 'UPLOAD_CANCELLED'

  return isServerStatus(failure)
}

// Only the first handle may create and truncate; the others join it. If
// one cannot be opened, those already open are closed again.
async function openHandles(
  channels: SFTPWrapper[],
  remotePath: string,
  timeoutMs: number,
): Promise<Buffer[]> {
  const remotes = channels.map((sftp) => channelRemote(sftp, timeoutMs))
  const first = await openRemote(remotes[0] as Remote, remotePath, 'w')
  const rest = await Promise.allSettled(
    remotes.slice(1).map((remote) => openRemote(remote, remotePath, 'r+')),
  )
  const refused = rest.find((r) => r.status === 'rejected')
  if (!refused) {
    return [
      first,
      ...rest.map((r) => (r as PromiseFulfilledResult<Buffer>).value),
    ]
  }

  const opened = [
    first,
    ...rest.map((r) => (r.status === 'fulfilled' ? r.value : undefined)),
  ]
  await Promise.all(
    opened.map((handle, i) =>
      handle
        ? closeRemote(remotes[i] as Remote, handle).catch(() => undefined)
        : undefined,
    ),
  )
  throw refused.reason
}

function channelRemote(sftp: SFTPWrapper, timeoutMs: number): Remote {
  const client = (sftp as unknown as { _client: Remote['client'] })._client
  return { sftp, client, timeoutMs }
}

// One lane: take the next chunk, read it, write it, repeat until the file
// is done or any lane failed.
async function pump(
  sftp: SFTPWrapper,
  handle: Buffer,
  read: ReadLocal,
  bytes: number,
  chunk: number,
  shared: Shared,
  options: TransferOptions,
  stop: (failure: unknown) => void,
): Promise<void> {
  const buffer = Buffer.allocUnsafe(chunk)

  while (shared.failure === undefined && shared.next < bytes) {
    const position = shared.next
    const length = Math.min(chunk, bytes - position)
    shared.next += length

    let bytesRead: number
    try {
      bytesRead = await read(buffer, length, position)
    } catch (error) {
      stop(error)
      return
    }
    if (bytesRead !== length) {
      stop(
        new AppError(
          'EXPORT_NOT_READY',
          'The export file changed while it was being sent.',
        ),
      )
      return
    }
    try {
      await writeChunk(sftp, handle, buffer, length, position)
    } catch (error) {
      stop(error)
      return
    }
    shared.sent += length
    shared.lastProgress = Date.now()
    options.onProgress?.(shared.sent)
  }
}

function writeChunk(
  sftp: SFTPWrapper,
  handle: Buffer,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.write(handle, buffer, 0, length, position, (error) =>
      error ? reject(error) : resolve(),
    )
  })
}

// No completed write for stallMs while data is outstanding: the link is
// stalled even if keepalives still pass. Tearing the connection down makes
// every outstanding write fail at once.
function startWatchdog(
  shared: Shared,
  channels: SFTPWrapper[],
  options: TransferOptions,
  stop: (failure: unknown) => void,
  onStall: () => void,
): () => void {
  const client = channelRemote(channels[0] as SFTPWrapper, 0).client
  // A cancel lets the writes in flight finish, so the connection stays
  // usable for removing the partial file.
  const onCancel = (): void =>
    stop(
      new AppError(
        'UPLOAD_CANCELLED',
        'The upload was cancelled; nothing was marked complete.',
      ),
    )
  if (options.signal?.aborted) onCancel()
  options.signal?.addEventListener('abort', onCancel, { once: true })

  const timer = setInterval(
    () => {
      if (Date.now() - shared.lastProgress < options.stallMs) return

      stop(
        new AppError(
          'NETWORK_STALLED',
          `The network stalled during upload: no progress for ${seconds(options.stallMs)} s.`,
        ),
      )
      client.destroy()
      onStall()
    },
    Math.min(1000, Math.max(50, options.stallMs / 4)),
  )

  return () => {
    clearInterval(timer)
    options.signal?.removeEventListener('abort', onCancel)
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0)
}
