import { AppError } from './errors'

/**
 * A file system refusal (read-only disk, a file where a folder should be,
 * a missing parent folder) is the user's to fix, not an internal error:
 * it is named in plain words with the path it concerns.
 */

const REASONS: Readonly<Record<string, string>> = {
  EROFS: 'the disk or folder is read-only',
  EACCES: 'this account is not allowed to write there',
  EPERM: 'this account is not allowed to change it',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'it is a folder, where a file is expected',
  ENOENT: 'it, or the folder it belongs in, does not exist',
  EEXIST: 'something else already exists there',
  ENAMETOOLONG: 'the path is too long',
}

/** The AppError for a Node file system error, or undefined for anything else. */
export function pathErrorFrom(error: unknown): AppError | undefined {
  if (!(error instanceof Error)) return undefined

  const { code, path: source } = error as NodeJS.ErrnoException
  // A rename names its target in `dest`: that is the path the user chose.
  const path = (error as { dest?: string }).dest ?? source
  const reason = code ? REASONS[code] : undefined
  if (!reason || !path) return undefined

  return new AppError('PATH_UNUSABLE', `Could not use ${path}: ${reason}.`, {
    cause: error,
  })
}
