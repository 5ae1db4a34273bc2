import fs from 'node:fs/promises'
import { AppError } from '../../shared/errors'
import type { TransferReport } from '../../shared/upload-reports'
import {
  assertExportUnchanged,
  exportUnreadable,
  type ExportFile,
} from './export-file'
import {
  closeRemote,
  openRemote,
  readRemote,
  removeRemote,
  statRemote,
  type Remote,
} from './remote-ops'
import { transferFile, type TransferOptions } from './transfer'

/**
 * Sends a file and proves it arrived: the remote size must equal the local
 * size, and sampled blocks (the whole file when small) must read back
 * byte for byte, which catches servers that silently drop part of large
 * or parallel writes. A parallel upload that fails the proof is sent once
 * more sequentially; a second failure removes the file and fails the run.
 */

const SAMPLE_BYTES = 64 * 1024
const SAMPLES = 8
const WHOLE_FILE_BELOW = 1024 * 1024

/** Uploads and verifies; the remote file is gone again if it fails. */
export async function sendVerified(
  remote: Remote,
  file: ExportFile,
  remotePath: string,
  options: TransferOptions,
): Promise<TransferReport> {
  const report = await transferFile(
    remote,
    file.path,
    file.bytes,
    remotePath,
    options,
  )
  const problem = await verifyRemote(remote, file, remotePath)
  if (!problem) return report
  // A local file that changed explains a mismatch; it is not the server's.
  await assertExportUnchanged(file, 'upload')

  options.log.error(
    { step: 'verify', problem, ...report },
    'verification failed',
  )
  await removeRemote(remote, remotePath)
  if (report.mode === 'sequential') throw verifyFailure(file, problem)

  const again = await transferFile(remote, file.path, file.bytes, remotePath, {
    ...options,
    concurrency: 1,
    channels: 1,
  })
  const second = await verifyRemote(remote, file, remotePath)
  if (!second) return again

  options.log.error({ step: 'verify', problem: second }, 'verification failed')
  await removeRemote(remote, remotePath)
  throw verifyFailure(file, second)
}

/** Why the remote copy differs from the local file, or undefined if it matches. */
export async function verifyRemote(
  remote: Remote,
  file: ExportFile,
  remotePath: string,
): Promise<string | undefined> {
  const [stat, handle] = await Promise.all([
    statRemote(remote, remotePath),
    openRemote(remote, remotePath, 'r').catch(() => undefined),
  ])
  try {
    if (!stat || !handle) return `the server holds no file at ${remotePath}`
    if (stat.size !== file.bytes) {
      return `the server holds ${stat.size} bytes; ${file.bytes} were sent`
    }
    return await compareSamples(remote, handle, file)
  } finally {
    if (handle) await closeRemote(remote, handle).catch(() => undefined)
  }
}

// All samples are read at once: on a long link that is one round trip.
async function compareSamples(
  remote: Remote,
  handle: Buffer,
  file: ExportFile,
): Promise<string | undefined> {
  const local = await fs.open(file.path, 'r').catch((error: unknown) => {
    throw exportUnreadable(file.path, error)
  })
  try {
    const differs = await Promise.all(
      sampleOffsets(file.bytes).map(async (offset) => {
        const length = Math.min(SAMPLE_BYTES, file.bytes - offset)
        const mine = Buffer.alloc(length)
        await local.read(mine, 0, length, offset).catch((error: unknown) => {
          throw exportUnreadable(file.path, error)
        })
        const theirs = await readFully(remote, handle, length, offset)
        return mine.equals(theirs) ? undefined : offset
      }),
    )
    const first = differs.find((offset) => offset !== undefined)
    return first === undefined
      ? undefined
      : `the server's copy differs from the local file near byte ${first}`
  } finally {
    await local.close()
  }
}

async function readFully(
  remote: Remote,
  handle: Buffer,
  length: number,
  position: number,
): Promise<Buffer> {
  const parts: Buffer[] = []
  let got = 0

  while (got < length) {
    const part = await readRemote(remote, handle, length - got, position + got)
    if (part.length === 0) break
    parts.push(part)
    got += part.length
  }
  return Buffer.concat(parts)
}

// Small files are compared whole; large ones at the start, the end and
// random places between, so holes anywhere are likely to be hit.
function sampleOffsets(bytes: number): number[] {
  if (bytes <= WHOLE_FILE_BELOW) {
    const all: number[] = []
    for (let at = 0; at < bytes; at += SAMPLE_BYTES) all.push(at)
    return all
  }

  const last = bytes - SAMPLE_BYTES
  const random = Array.from({ length: SAMPLES }, () =>
    Math.floor(Math.random() * last),
  )
  return [0, ...random, last]
}

function verifyFailure(file: ExportFile, problem: string): AppError {
  return new AppError(
    'VERIFY_FAILED',
    `The upload of ${file.name} did not verify: ${problem}. The partial file was removed and nothing was marked complete.`,
  )
}
