import type { Client, SFTPWrapper, Stats } from 'ssh2'
import type SftpClient from 'ssh2-sftp-client'
import { AppError } from '../../shared/errors'

/**
 * The few SFTP operations a run needs, on ssh2's own SFTP channel rather
 * than through the wrapper library, so every failure keeps its SFTP status
 * code (a number) and a lost connection stays recognisable as one. Each
 * operation has a time limit: a server that stops answering is a network
 * failure, not a hang.
 */

export const SFTP_STATUS = {
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  OP_UNSUPPORTED: 8,
} as const

export interface Remote {
  readonly sftp: SFTPWrapper
  readonly client: Client
  /** How long one operation may go unanswered. */
  readonly timeoutMs: number
}

/** The raw ssh2 objects behind a wrapper-library session. */
export function remoteOf(wrapper: SftpClient, timeoutMs: number): Remote {
  const raw = wrapper as unknown as { sftp?: SFTPWrapper; client: Client }
  if (!raw.sftp) {
    throw new AppError('CONNECTION_LOST', 'The SFTP session is not open.')
  }
  return { sftp: raw.sftp, client: raw.client, timeoutMs }
}

/** True for an answer the server gave (a status), false for a lost link. */
export function isServerStatus(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'number'
}

/** The SFTP status code of a server answer, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'number' ? code : undefined
}

/** Stats a path; undefined when the server says it does not exist. */
export async function statRemote(
  remote: Remote,
  path: string,
): Promise<Stats | undefined> {
  try {
    return await call<Stats>(remote, 'stat', (cb) => remote.sftp.stat(path, cb))
  } catch (error) {
    if (statusOf(error) === SFTP_STATUS.NO_SUCH_FILE) return undefined
    throw error
  }
}

/** Creates one folder. */
export function mkdirRemote(remote: Remote, path: string): Promise<void> {
  return call<void>(remote, 'mkdir', (cb) => remote.sftp.mkdir(path, cb))
}

/** Removes a file; a file that is already gone is fine. */
export async function removeRemote(
  remote: Remote,
  path: string,
): Promise<void> {
  try {
    await call<void>(remote, 'unlink', (cb) => remote.sftp.unlink(path, cb))
  } catch (error) {
    if (statusOf(error) !== SFTP_STATUS.NO_SUCH_FILE) throw error
  }
}

/** Removes an empty folder. */
export function rmdirRemote(remote: Remote, path: string): Promise<void> {
  return call<void>(remote, 'rmdir', (cb) => remote.sftp.rmdir(path, cb))
}

/** Lists the names in a folder. */
export async function listRemote(
  remote: Remote,
  path: string,
): Promise<string[]> {
  const entries = await call<{ filename: string }[]>(remote, 'readdir', (cb) =>
    remote.sftp.readdir(path, cb),
  )
  return entries.map((entry) => entry.filename)
}

/** Writes an empty file (the COMPLETE marker). */
export async function writeEmpty(remote: Remote, path: string): Promise<void> {
  const handle = await openRemote(remote, path, 'w')
  await closeRemote(remote, handle)
}

/** Opens a remote file handle. */
export function openRemote(
  remote: Remote,
  path: string,
  flags: 'w' | 'r+' | 'r',
): Promise<Buffer> {
  return call<Buffer>(remote, 'open', (cb) => remote.sftp.open(path, flags, cb))
}

/** Closes a remote file handle. */
export function closeRemote(remote: Remote, handle: Buffer): Promise<void> {
  return call<void>(remote, 'close', (cb) => remote.sftp.close(handle, cb))
}

/** Reads up to `length` bytes at `position`. */
export function readRemote(
  remote: Remote,
  handle: Buffer,
  length: number,
  position: number,
): Promise<Buffer> {
  const buffer = Buffer.alloc(length)

  return call<number>(remote, 'read', (cb) =>
    remote.sftp.read(handle, buffer, 0, length, position, cb),
  ).then((read) => buffer.subarray(0, read))
}

type Callback<T> = (error: Error | null | undefined, value: T) => void

// One operation, answered or timed out. A timeout tears the connection
// down, so every other outstanding request fails at once too.
function call<T>(
  remote: Remote,
  what: string,
  start: (cb: Callback<T>) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      remote.client.destroy()
      reject(new Error(`no answer to ${what} within ${remote.timeoutMs} ms`))
    }, remote.timeoutMs)

    try {
      start((error, value) => {
        clearTimeout(timer)
        if (error) reject(error)
        else resolve(value)
      })
    } catch (error) {
      clearTimeout(timer)
      reject(error)
    }
  })
}
