import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import ssh2, { type Connection, type SFTPWrapper } from 'ssh2'
import { tempDir } from './cli'

/**
 * An in-process SFTP server built on ssh2's Server class, for the faults
 * OpenSSH cannot produce on cue: writes silently cut short, parallel
 * writes refused, mkdir refused, an epoch folder that appears under the
 * run's feet. Files live in a temporary folder laid out like a SameGoal
 * account (`upload/`, `upload-processed/`). Any key is accepted for the
 * account: this server tests transfers, not authentication.
 */

const { Server, utils } = ssh2
const { STATUS_CODE, OPEN_MODE } = utils.sftp

export interface FaultServerOptions {
  readonly account: string
  /** Each write stores at most this many bytes but reports success. */
  readonly truncateWritesTo?: number
  /** Refuses a write while another is outstanding, and a second writer. */
  readonly rejectParallel?: boolean
  /** Every mkdir is refused with "permission denied". */
  readonly refuseMkdir?: boolean
  /** The first mkdir finds the folder already made, with a file in it. */
  readonly mkdirCollision?: boolean
}

export interface FaultServer {
  readonly port: number
  /** The account's root on disk. */
  readonly root: string
  readonly hostKeySha256: string
  /** Writes refused because another was outstanding. */
  rejectedWrites(): number
  stop(): Promise<void>
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startFaultServer(
  options: FaultServerOptions,
): Promise<FaultServer> {
  const root = tempDir('sg-fault-sftp')
  fs.mkdirSync(path.join(root, 'upload'))
  fs.mkdirSync(path.join(root, 'upload-processed'))
  const keys = hostKeyPair(root)
  const state = {
    rejected: 0,
    collided: false,
    writers: new Map<string, number>(),
  }

  const server = new Server({ hostKeys: [keys.private] }, (client) =>
    handleClient(client, options, root, state),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const parsed = utils.parseKey(keys.public)
  if (parsed instanceof Error) throw parsed

  return {
    port,
    root,
    hostKeySha256: `SHA256:${sha256(parsed.getPublicSSH())}`,
    rejectedWrites: () => state.rejected,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        fs.rmSync(root, { recursive: true, force: true })
      }),
  }
}

// ssh-keygen rather than ssh2's own generator, whose Ed25519 output it
// sometimes cannot parse back.
function hostKeyPair(dir: string): { private: string; public: string } {
  const file = path.join(dir, 'host_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  const pair = {
    private: fs.readFileSync(file, 'utf8'),
    public: fs.readFileSync(`${file}.pub`, 'utf8'),
  }
  fs.rmSync(file)
  fs.rmSync(`${file}.pub`)
  return pair
}

function sha256(blob: Buffer): string {
  return crypto
    .createHash('sha256')
    .update(blob)
    .digest('base64')
    .replace(/=+$/, '')
}

interface ServerState {
  rejected: number
  collided: boolean
  writers: Map<string, number>
}

function handleClient(
  client: Connection,
  options: FaultServerOptions,
  root: string,
  state: ServerState,
): void {
  client.on('error', () => undefined)
  client.on('authentication', (ctx) => {
    if (ctx.method === 'publickey' && ctx.username === options.account) {
      ctx.accept()
    } else {
      ctx.reject(['publickey'])
    }
  })
  client.on('ready', () => {
    client.on('session', (accept) => {
      accept().on('sftp', (acceptSftp) => {
        serveSftp(acceptSftp(), options, root, state)
      })
    })
  })
}

interface Handle {
  readonly kind: 'file' | 'dir'
  readonly path: string
  fd?: number
  listed?: boolean
  writing?: boolean
}

function serveSftp(
  sftp: SFTPWrapper,
  options: FaultServerOptions,
  root: string,
  state: ServerState,
): void {
  const handles = new Map<number, Handle>()
  let nextHandle = 1
  const outstanding = new Map<string, number>()
  const local = (p: string): string =>
    path.join(root, path.posix.normalize(`/${p}`))
  const handleOf = (buf: Buffer): Handle | undefined =>
    handles.get(buf.readUInt32BE(0))
  const newHandle = (h: Handle): Buffer => {
    const buf = Buffer.alloc(4)
    buf.writeUInt32BE(nextHandle)
    handles.set(nextHandle++, h)
    return buf
  }
  const fail = (reqid: number, error: unknown): void => {
    const code = (error as NodeJS.ErrnoException).code
    sftp.status(
      reqid,
      code === 'ENOENT'
        ? STATUS_CODE.NO_SUCH_FILE
        : code === 'EACCES'
          ? STATUS_CODE.PERMISSION_DENIED
          : STATUS_CODE.FAILURE,
    )
  }
  const attrs = (stat: fs.Stats) => ({
    mode: stat.mode,
    uid: 0,
    gid: 0,
    size: stat.size,
    atime: Math.floor(stat.atimeMs / 1000),
    mtime: Math.floor(stat.mtimeMs / 1000),
  })

  sftp.on('REALPATH', (reqid, p) => {
    const name = path.posix.normalize(`/${p}`)
    sftp.name(reqid, [{ filename: name, longname: name, attrs: {} as never }])
  })
  for (const op of ['STAT', 'LSTAT'] as const) {
    sftp.on(op, (reqid: number, p: string) => {
      try {
        sftp.attrs(reqid, attrs(fs.statSync(local(p))))
      } catch (error) {
        fail(reqid, error)
      }
    })
  }
  sftp.on('FSTAT', (reqid, buf) => {
    const h = handleOf(buf)
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE)
    sftp.attrs(reqid, attrs(fs.statSync(local(h.path))))
  })

  sftp.on('OPEN', (reqid, filename, flags) => {
    const writing = (flags & OPEN_MODE.WRITE) !== 0
    if (writing && options.rejectParallel) {
      const count = state.writers.get(filename) ?? 0
      if (count > 0) {
        state.rejected++
        return sftp.status(reqid, STATUS_CODE.FAILURE, 'file already open')
      }
      state.writers.set(filename, count + 1)
    }
    try {
      const mode = utils.sftp.flagsToString(flags) ?? 'r'
      const fd = fs.openSync(local(filename), mode)
      sftp.handle(
        reqid,
        newHandle({ kind: 'file', path: filename, fd, writing }),
      )
    } catch (error) {
      if (writing && options.rejectParallel) state.writers.delete(filename)
      fail(reqid, error)
    }
  })

  sftp.on('WRITE', (reqid, buf, offset, data) => {
    const h = handleOf(buf)
    if (h?.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE)
    const stored = options.truncateWritesTo
      ? data.subarray(0, options.truncateWritesTo)
      : data
    if (!options.rejectParallel) {
      fs.writeSync(h.fd, stored, 0, stored.length, offset)
      return sftp.status(reqid, STATUS_CODE.OK)
    }

    // Answer late, so a client that pipelines writes is caught doing it.
    const busy = outstanding.get(h.path) ?? 0
    if (busy > 0) {
      state.rejected++
      return sftp.status(reqid, STATUS_CODE.FAILURE, 'one write at a time')
    }
    outstanding.set(h.path, 1)
    setTimeout(() => {
      outstanding.set(h.path, 0)
      fs.writeSync(h.fd as number, stored, 0, stored.length, offset)
      sftp.status(reqid, STATUS_CODE.OK)
    }, 1)
  })

  sftp.on('READ', (reqid, buf, offset, length) => {
    const h = handleOf(buf)
    if (h?.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE)
    const data = Buffer.alloc(length)
    const read = fs.readSync(h.fd, data, 0, length, offset)
    if (read === 0) return sftp.status(reqid, STATUS_CODE.EOF)
    sftp.data(reqid, data.subarray(0, read))
  })

  sftp.on('CLOSE', (reqid, buf) => {
    const h = handleOf(buf)
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE)
    handles.delete(buf.readUInt32BE(0))
    if (h.fd !== undefined) fs.closeSync(h.fd)
    if (h.writing && options.rejectParallel) {
      state.writers.set(
        h.path,
        Math.max(0, (state.writers.get(h.path) ?? 1) - 1),
      )
    }
    sftp.status(reqid, STATUS_CODE.OK)
  })

  sftp.on('MKDIR', (reqid, p) => {
    if (options.refuseMkdir) {
      return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED)
    }
    if (options.mkdirCollision && !state.collided) {
      state.collided = true
      fs.mkdirSync(local(p))
      fs.writeFileSync(path.join(local(p), 'leftover.txt'), 'not ours\n')
      return sftp.status(reqid, STATUS_CODE.FAILURE)
    }
    try {
      fs.mkdirSync(local(p))
      sftp.status(reqid, STATUS_CODE.OK)
    } catch (error) {
      fail(reqid, error)
    }
  })

  const simple = (reqid: number, work: () => void): void => {
    try {
      work()
      sftp.status(reqid, STATUS_CODE.OK)
    } catch (error) {
      fail(reqid, error)
    }
  }
  sftp.on('RMDIR', (reqid, p) => simple(reqid, () => fs.rmdirSync(local(p))))
  sftp.on('REMOVE', (reqid, p) => simple(reqid, () => fs.unlinkSync(local(p))))
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))

  sftp.on('OPENDIR', (reqid, p) => {
    try {
      if (!fs.statSync(local(p)).isDirectory()) throw new Error('not a dir')
      sftp.handle(reqid, newHandle({ kind: 'dir', path: p }))
    } catch (error) {
      fail(reqid, error)
    }
  })
  sftp.on('READDIR', (reqid, buf) => {
    const h = handleOf(buf)
    if (!h || h.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE)
    if (h.listed) return sftp.status(reqid, STATUS_CODE.EOF)
    h.listed = true
    const names = fs.readdirSync(local(h.path)).map((name) => {
      const stat = fs.statSync(path.join(local(h.path), name))
      const kind = stat.isDirectory() ? 'd' : '-'
      return {
        filename: name,
        longname: `${kind}rwxr-xr-x 1 0 0 ${stat.size} Jan 1 00:00 ${name}`,
        attrs: attrs(stat) as never,
      }
    })
    sftp.name(reqid, names)
  })
}
