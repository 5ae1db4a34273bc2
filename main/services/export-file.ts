import fs from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import { AppError } from '../../shared/errors'
import type { ExportPreview } from '../../shared/reports'
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
}

/** Picks the file tonight's run would send, or explains why there is none. */
export async function pickExportFile(
  district: DistrictSettings,
  fixedPath?: string,
): Promise<ExportFile> {
  if (fixedPath) return describeFile(path.resolve(fixedPath))

  const folder = requireFolder(district)
  const names = await readFolder(folder)
  const matches = picomatch(district.pattern, { nocase: true, dot: false })

  let newest: ExportFile | undefined
  for (const name of names.filter((n) => matches(n))) {
    const stat = await fs.stat(path.join(folder, name)).catch(() => undefined)
    if (!stat?.isFile()) continue
    if (!newest || stat.mtimeMs > newest.modifiedAt.getTime()) {
      newest = {
        path: path.join(folder, name),
        name,
        bytes: stat.size,
        modifiedAt: stat.mtime,
      }
    }
  }
  if (!newest) {
    throw new AppError(
      'NO_EXPORT_FILE',
      `No file matching ${district.pattern} is in ${folder}.`,
    )
  }
  return newest
}

/** What the wizard shows in step 4: the folder, pattern and file it would take. */
export async function previewExport(
  district: DistrictSettings,
): Promise<ExportPreview> {
  const base = { folder: district.exportDir ?? '', pattern: district.pattern }
  const file = await pickExportFile(district)

  return {
    ...base,
    file: file.path,
    bytes: file.bytes,
    modifiedAt: file.modifiedAt.toISOString(),
  }
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
  if (!stat?.isFile()) {
    throw new AppError(
      'NO_EXPORT_FILE',
      `The export file ${file} does not exist.`,
    )
  }
  return {
    path: file,
    name: path.basename(file),
    bytes: stat.size,
    modifiedAt: stat.mtime,
  }
}

/** Refuses files that cannot be a plain-text export before anything is sent. */
export async function checkExportFile(file: ExportFile): Promise<void> {
  if (file.bytes === 0) {
    throw new AppError('EXPORT_EMPTY', `The export file ${file.name} is empty.`)
  }

  const handle = await fs.open(file.path, 'r')
  try {
    const probe = Buffer.alloc(Math.min(file.bytes, 64 * 1024))
    await handle.read(probe, 0, probe.length, 0)
    if (probe.includes(0)) {
      throw new AppError(
        'EXPORT_INVALID',
        `The export file ${file.name} is not plain text (it holds binary data).`,
      )
    }
  } finally {
    await handle.close()
  }
}
