import type SftpClient from 'ssh2-sftp-client'
import { AppError } from '../../shared/errors'
import { looksLikeEpoch } from '../../shared/epoch'
import type { FolderSummary } from '../../shared/reports'

/** The two folders of a SameGoal account. */
export const UPLOAD_DIR = '/upload'
export const PROCESSED_DIR = '/upload-processed'

export interface RemoteEntry {
  readonly name: string
  readonly type: 'file' | 'directory' | 'other'
  readonly size: number
  readonly modifiedAt: number
}

/** Lists a remote folder, or says plainly that it is missing or unreadable. */
export async function listFolder(
  sftp: SftpClient,
  dir: string,
): Promise<RemoteEntry[]> {
  try {
    const entries = await sftp.list(dir)
    return entries.map((entry) => ({
      name: entry.name,
      type:
        entry.type === 'd'
          ? 'directory'
          : entry.type === '-'
            ? 'file'
            : 'other',
      size: entry.size,
      modifiedAt: entry.modifyTime,
    }))
  } catch (error) {
    throw new AppError(
      'REMOTE_FOLDER_MISSING',
      `The folder ${dir} on the server is missing or cannot be read.`,
      {
        cause: error,
        extra: { folder: dir },
      },
    )
  }
}

/** Lists a folder that may legitimately not exist; undefined when absent. */
export async function listIfPresent(
  sftp: SftpClient,
  dir: string,
): Promise<RemoteEntry[] | undefined> {
  const kind = await sftp.exists(dir).catch(() => false)
  if (kind !== 'd') return undefined

  return listFolder(sftp, dir)
}

/** Counts the epoch folders in a listing and finds the latest name. */
export function summarizeFolder(
  path: string,
  entries: readonly RemoteEntry[] | undefined,
): FolderSummary {
  if (!entries) return { path, readable: false, epochs: 0 }

  const epochs = entries
    .filter((e) => e.type === 'directory' && looksLikeEpoch(e.name))
    .map((e) => e.name)
    .sort()
  const latest = epochs[epochs.length - 1]

  return {
    path,
    readable: true,
    epochs: epochs.length,
    ...(latest ? { latestEpoch: latest } : {}),
  }
}
