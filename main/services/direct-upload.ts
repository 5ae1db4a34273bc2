import type { TransferReport } from '../../shared/upload-reports'
import { assertExportUnchanged, type ExportFile } from './export-file'
import { UPLOAD_DIR } from './remote-folders'
import type { Remote } from './remote-ops'
import type { TransferOptions } from './transfer'
import { sendVerified } from './upload-verify'

/**
 * SameGoal's documented fallback: the export goes straight into /upload
 * under its own name, replacing last night's, and the server makes the
 * epoch itself. Nothing else is ever written there, not even a temporary
 * name (SameGoal holds files it does not recognise), so the file is
 * written in place and its size checked. The server may notice the file
 * before it is complete; that race is SameGoal's documented risk of this
 * mode, which is why epoch mode is the default.
 */

export interface DirectOutcome {
  /** SameGoal makes the epoch from the file; this run names none. */
  readonly epoch?: undefined
  readonly remotePath: string
  readonly transfer: TransferReport
}

/** Writes the file into /upload and verifies it. */
export async function uploadDirect(
  remote: Remote,
  file: ExportFile,
  options: TransferOptions,
): Promise<DirectOutcome> {
  const remotePath = `${UPLOAD_DIR}/${file.name}`
  const transfer = await sendVerified(remote, file, remotePath, options)
  await assertExportUnchanged(file, 'upload')

  options.log.info({ remotePath, bytes: file.bytes }, 'upload verified')
  return { remotePath, transfer }
}
