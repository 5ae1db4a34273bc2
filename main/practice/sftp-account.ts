import type { Stats } from 'node:fs'
import fs from 'node:fs/promises'
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2'
import {
  ACCOUNT_FOLDERS,
  assertInside,
  isWritable,
  NotInAccount,
  PathRefused,
  resolveInAccount,
  type AccountPath,
} from './account-paths'

/**
 * Serves one SFTP session on one practice account folder: the requests a
 * product like ours (and the OpenSSH sftp tool) sends, confined to the
 * account, with /upload writable and everything else read-only.
 */

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp
const WRITE_FLAGS =
  OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC

type Handle =
  | {
      readonly kind: 'file'
      readonly file: fs.FileHandle
      readonly target: AccountPath
      readonly writable: boolean
    }
  | { readonly kind: 'dir'; entries: FileEntry[] | undefined }

export interface AccountHooks {
  /** Something below /upload changed: a file was written, moved or made. */
  readonly onUploadChanged: () => void
}

/** Answers every request of one SFTP channel. */
export function serveAccount(
  sftp: SFTPWrapper,
  accountRoot: string,
  hooks: AccountHooks,
): void {
  const handles = new Map<string, Handle>()
  let nextHandle = 0

  const open = (handle: Handle): Buffer => {
    const id = Buffer.alloc(4)
    id.writeUInt32BE(nextHandle++)
    handles.set(id.toString('hex'), handle)
    return id
  }
  const lookup = (id: Buffer): Handle | undefined =>
    handles.get(id.toString('hex'))

  // Runs one request; any failure becomes the matching SFTP status.
  const answer = (id: number, work: () => Promise<void>): void => {
    work().catch((error: unknown) => sftp.status(id, ...statusOf(error)))
  }
  const resolve = async (requested: string): Promise<AccountPath> => {
    const target = resolveInAccount(accountRoot, requested)
    await assertInside(accountRoot, target)
    return target
  }
  const writable = async (requested: string): Promise<AccountPath> => {
    const target = await resolve(requested)
    if (!isWritable(target)) throw new ReadOnly()
    return target
  }

  sftp.on('REALPATH', (id, requested) =>
    answer(id, async () => {
      const target = resolveInAccount(accountRoot, requested)
      const stat = await fs.stat(target.real).catch(() => undefined)
      sftp.name(id, [
        {
          filename: target.virtual,
          longname: target.virtual,
          attrs: stat ? attrsOf(stat) : emptyAttrs(),
        },
      ])
    }),
  )

  sftp.on('STAT', (id, requested) =>
    answer(id, async () => {
      const target = await resolve(requested)
      sftp.attrs(id, attrsOf(await fs.stat(target.real)))
    }),
  )
  sftp.on('LSTAT', (id, requested) =>
    answer(id, async () => {
      const target = await resolve(requested)
      sftp.attrs(id, attrsOf(await fs.lstat(target.real)))
    }),
  )

  sftp.on('OPEN', (id, requested, flags) =>
    answer(id, async () => {
      const wantsWrite = (flags & WRITE_FLAGS) !== 0
      const target = wantsWrite
        ? await writable(requested)
        : await resolve(requested)
      const mode = ssh2.utils.sftp.flagsToString(flags) ?? 'r'
      const stat = await fs.stat(target.real).catch(() => undefined)
      if (stat?.isDirectory()) throw new Failure()

      const file = await fs.open(target.real, mode, 0o644)
      sftp.handle(
        id,
        open({ kind: 'file', file, target, writable: wantsWrite }),
      )
    }),
  )

  sftp.on('READ', (id, handleId, offset, length) =>
    answer(id, async () => {
      const handle = lookup(handleId)
      if (handle?.kind !== 'file') throw new Failure()

      const buffer = Buffer.alloc(Math.min(length, 256 * 1024))
      const { bytesRead } = await handle.file.read(
        buffer,
        0,
        buffer.length,
        offset,
      )
      if (bytesRead === 0) sftp.status(id, STATUS_CODE.EOF)
      else sftp.data(id, buffer.subarray(0, bytesRead))
    }),
  )

  sftp.on('WRITE', (id, handleId, offset, data) =>
    answer(id, async () => {
      const handle = lookup(handleId)
      if (handle?.kind !== 'file' || !handle.writable) throw new ReadOnly()

      await handle.file.write(data, 0, data.length, offset)
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  sftp.on('FSTAT', (id, handleId) =>
    answer(id, async () => {
      const handle = lookup(handleId)
      if (handle?.kind !== 'file') throw new Failure()

      sftp.attrs(id, attrsOf(await handle.file.stat()))
    }),
  )

  sftp.on('FSETSTAT', (id, handleId) =>
    answer(id, async () => {
      const handle = lookup(handleId)
      if (handle?.kind !== 'file' || !handle.writable) throw new ReadOnly()
      sftp.status(id, STATUS_CODE.OK)
    }),
  )
  sftp.on('SETSTAT', (id, requested) =>
    answer(id, async () => {
      const target = await writable(requested)
      await fs.stat(target.real)
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  sftp.on('CLOSE', (id, handleId) =>
    answer(id, async () => {
      const key = handleId.toString('hex')
      const handle = handles.get(key)
      if (!handle) throw new Failure()

      handles.delete(key)
      if (handle.kind === 'file') {
        await handle.file.close()
        if (handle.writable) hooks.onUploadChanged()
      }
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  sftp.on('OPENDIR', (id, requested) =>
    answer(id, async () => {
      const target = await resolve(requested)
      const stat = await fs.stat(target.real)
      if (!stat.isDirectory()) throw new Failure()

      sftp.handle(id, open({ kind: 'dir', entries: await listing(target) }))
    }),
  )

  // The whole listing goes in the first answer, then end of file.
  sftp.on('READDIR', (id, handleId) =>
    answer(id, async () => {
      const handle = lookup(handleId)
      if (handle?.kind !== 'dir') throw new Failure()

      const entries = handle.entries
      handle.entries = undefined
      if (entries && entries.length > 0) sftp.name(id, entries)
      else sftp.status(id, STATUS_CODE.EOF)
    }),
  )

  sftp.on('MKDIR', (id, requested) =>
    answer(id, async () => {
      const target = await writable(requested)
      await fs.mkdir(target.real)
      hooks.onUploadChanged()
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  sftp.on('REMOVE', (id, requested) =>
    answer(id, async () => {
      const target = await writable(requested)
      await fs.unlink(target.real)
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  sftp.on('RMDIR', (id, requested) =>
    answer(id, async () => {
      const target = await writable(requested)
      await fs.rmdir(target.real)
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  sftp.on('RENAME', (id, from, to) =>
    answer(id, async () => {
      const source = await writable(from)
      const destination = await writable(to)
      // SFTP version 3 rename never replaces an existing file.
      if (await exists(destination.real)) throw new Failure()

      await fs.rename(source.real, destination.real)
      hooks.onUploadChanged()
      sftp.status(id, STATUS_CODE.OK)
    }),
  )

  for (const unsupported of ['READLINK', 'SYMLINK', 'EXTENDED'] as const) {
    sftp.on(unsupported, (id: number) =>
      sftp.status(id, STATUS_CODE.OP_UNSUPPORTED),
    )
  }

  sftp.on('close', () => {
    for (const handle of handles.values()) {
      if (handle.kind === 'file') void handle.file.close().catch(() => {})
    }
    handles.clear()
  })
}

class ReadOnly extends Error {}
class Failure extends Error {}

function statusOf(error: unknown): [number, string] {
  if (error instanceof ReadOnly)
    return [STATUS_CODE.PERMISSION_DENIED, 'Only /upload can be written']
  if (error instanceof PathRefused)
    return [STATUS_CODE.PERMISSION_DENIED, 'Outside the account']

  if (error instanceof NotInAccount)
    return [STATUS_CODE.NO_SUCH_FILE, 'No such file']

  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return [STATUS_CODE.NO_SUCH_FILE, 'No such file']
  if (code === 'EACCES' || code === 'EPERM')
    return [STATUS_CODE.PERMISSION_DENIED, 'Permission denied']
  return [STATUS_CODE.FAILURE, 'Failure']
}

async function listing(target: AccountPath): Promise<FileEntry[]> {
  const all = (await fs.readdir(target.real)).sort()
  const names =
    target.virtual === '/'
      ? all.filter((n) => (ACCOUNT_FOLDERS as readonly string[]).includes(n))
      : all
  const entries: FileEntry[] = []

  for (const name of names) {
    const stat = await fs.lstat(`${target.real}/${name}`).catch(() => undefined)
    if (stat) {
      entries.push({
        filename: name,
        longname: longName(name, stat),
        attrs: attrsOf(stat),
      })
    }
  }
  return entries
}

function attrsOf(stat: Stats): Attributes {
  return {
    mode: stat.mode,
    uid: stat.uid,
    gid: stat.gid,
    size: stat.size,
    atime: Math.floor(stat.atimeMs / 1000),
    mtime: Math.floor(stat.mtimeMs / 1000),
  }
}

function emptyAttrs(): Attributes {
  return { mode: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 }
}

// The `ls -l` style line SFTP version 3 carries; clients read the type and
// permissions from its first ten characters.
function longName(name: string, stat: Stats): string {
  const type = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : '-'
  const bits = 'rwxrwxrwx'
    .split('')
    .map((c, i) => (stat.mode & (1 << (8 - i)) ? c : '-'))
    .join('')
  const date = stat.mtime.toISOString().slice(0, 16).replace('T', ' ')

  return `${type}${bits} 1 ${stat.uid} ${stat.gid} ${stat.size} ${date} ${name}`
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  )
}
