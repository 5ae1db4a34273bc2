import fs from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'

/**
 * Finds the Ascender export file for a district: the newest file (by
 * modification time) in its export folder whose name matches its pattern,
 * or a path given explicitly.
 */

export interface ExportFile {
  readonly path: string
  readonly name: string
  readonly bytes: number
  readonly modifiedAt: Date
  /** What the technician should know about the choice (shown as warnings). */
  readonly notes?: readonly string[]
}

// A file stamped further ahead than this is not tonight's export but a
// wrong clock; it would otherwise win every night until that date.
const FUTURE_SLACK_MS = 24 * 3_600_000

/** Picks the file tonight's run would send, or explains why there is none. */
export async function pickExportFile(
  district: DistrictSettings,
  fixedPath?: string,
  now = new Date(),
): Promise<ExportFile> {
  if (fixedPath) return describeFile(path.resolve(fixedPath))

  const folder = requireFolder(district)
  const names = await readFolder(folder)
  const matches = picomatch(district.pattern, { nocase: true, dot: false })

  const files: ExportFile[] = []
  for (const name of names.filter((n) => matches(n))) {
    const stat = await fs.stat(path.join(folder, name)).catch(() => undefined)
    if (!stat?.isFile()) continue
    files.push({
      path: path.join(folder, name),
      name,
      bytes: stat.size,
      modifiedAt: stat.mtime,
    })
  }
  const future = (f: ExportFile): boolean =>
    f.modifiedAt.getTime() > now.getTime() + FUTURE_SLACK_MS
  const newestOf = (list: ExportFile[]): ExportFile | undefined =>
    list.reduce<ExportFile | undefined>(
      (best, f) =>
        !best || f.modifiedAt.getTime() > best.modifiedAt.getTime() ? f : best,
      undefined,
    )
  const newest = newestOf(files.filter((f) => !future(f))) ?? newestOf(files)
  if (!newest) {
    throw new AppError(
      'NO_EXPORT_FILE',
      `No file matching ${district.pattern} is in ${folder}.`,
    )
  }
  const passedOver = files.filter((f) => future(f) && f !== newest)
  const notes = passedOver.map(
    (f) =>
      `${f.name} was passed over: its modification time ${f.modifiedAt.toISOString()} lies in the future (a wrong clock where it was written); move it out of the export folder.`,
  )
  return notes.length > 0 ? { ...newest, notes } : newest
}

function requireFolder(district: DistrictSettings): string {
  if (!district.exportDir) {
    throw new AppError(
      'NO_EXPORT_FOLDER',
      `District "${district.domain}" has no export folder set.`,
    )
  }
  return district.exportDir
}

async function readFolder(folder: string): Promise<string[]> {
  try {
    return await fs.readdir(folder)
  } catch (error) {
    throw new AppError(
      'NO_EXPORT_FOLDER',
      `The export folder ${folder} does not exist or cannot be read.`,
      {
        cause: error,
      },
    )
  }
}

async function describeFile(file: string): Promise<ExportFile> {
  const stat = await fs.stat(file).catch(() => undefined)
  if (!stat) {
    throw new AppError(
      'NO_EXPORT_FILE',
      `The export file ${file} does not exist.`,
    )
  }
  if (!stat.isFile()) {
    const kind = stat.isDirectory() ? 'a folder' : 'not a regular file'
    throw new AppError(
      'NO_EXPORT_FILE',
      `${file} is ${kind}; give the export file itself with --file.`,
    )
  }
  return {
    path: file,
    name: path.basename(file),
    bytes: stat.size,
    modifiedAt: stat.mtime,
  }
}

/**
 * Waits until the file has stopped changing: its modification time at
 * least one settle period in the past (every write moves it), and on
 * Windows no writer holding it locked. A file stamped in the future (a
 * file share with another clock) is instead watched for one whole period
 * without a change. Gives up after ten periods with EXPORT_NOT_READY.
 */
export async function waitUntilWritten(
  file: ExportFile,
  settleMs: number,
  signal?: AbortSignal,
): Promise<ExportFile> {
  let last = await describeFile(file.path)

  for (let round = 0; round < 10 && !signal?.aborted; round++) {
    const age = Date.now() - last.modifiedAt.getTime()
    const quiet = age >= settleMs
    if (quiet && (await notLockedByWriter(last.path))) return last

    await sleep(quiet || age < 0 ? settleMs : settleMs - age, signal)
    const now = await describeFile(file.path)
    const unchanged =
      now.bytes === last.bytes &&
      now.modifiedAt.getTime() === last.modifiedAt.getTime()
    if (age < 0 && unchanged && (await notLockedByWriter(now.path))) {
      return now
    }
    last = now
  }
  throw new AppError(
    'EXPORT_NOT_READY',
    `The export file ${file.name} kept changing for ${Math.round((settleMs * 10) / 1000)} s; it is still being written.`,
  )
}

// Windows keeps a file being written locked against other writers; POSIX
// systems have no such lock, so there the size and time test is the guard.
async function notLockedByWriter(file: string): Promise<boolean> {
  if (process.platform !== 'win32') return true

  try {
    const handle = await fs.open(file, 'r+')
    await handle.close()
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EBUSY'
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * Refuses a file that changed or went away after it was picked: one that
 * grew after its checks would otherwise go out short and be marked
 * complete. `during` says what was happening: its checks or its sending.
 */
export async function assertExportUnchanged(
  file: ExportFile,
  during: 'checks' | 'upload',
): Promise<void> {
  const stat = await fs.stat(file.path).catch(() => undefined)
  const outcome =
    during === 'checks'
      ? 'nothing was sent'
      : 'the partial upload is removed and nothing was marked complete'
  if (!stat?.isFile()) {
    throw new AppError(
      'EXPORT_NOT_READY',
      `The export file ${file.name} disappeared during the ${during}; ${outcome}. Check where Ascender writes it, then run the upload again.`,
    )
  }
  const same =
    stat.size === file.bytes &&
    stat.mtime.getTime() === file.modifiedAt.getTime()
  if (same) return

  throw new AppError(
    'EXPORT_NOT_READY',
    `The export file ${file.name} changed during the ${during} (${file.bytes} bytes before, ${stat.size} now); ${outcome}. Wait until Ascender has finished writing it, then run the upload again.`,
  )
}

/** A local read of the export that failed mid-upload: the file, not the network. */
export function exportUnreadable(localPath: string, cause: unknown): AppError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  return new AppError(
    'EXPORT_NOT_READY',
    `The export file ${path.basename(localPath)} could no longer be read during the upload${code ? ` (${code})` : ''}: it was moved, deleted or locked. Nothing was marked complete; run the upload again once the file is back.`,
    { cause },
  )
}
