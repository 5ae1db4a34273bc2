import type SftpClient from 'ssh2-sftp-client'
import { looksLikeEpoch, parseEpoch } from '../../shared/epoch'
import type { RunRecord } from '../../shared/settings-schema'
import type { ForeignEpoch, LeftoverEpoch } from '../../shared/status-reports'
import { COMPLETE_NAME } from './epoch-inspect'
import {
  listIfPresent,
  PROCESSED_DIR,
  UPLOAD_DIR,
  type RemoteEntry,
} from './remote-folders'

/**
 * The whole account at a glance, from one listing of /upload and one of
 * /upload-processed: which epochs are not ours, which folders a crashed run
 * left behind, and which epoch the server made from a direct-mode file.
 * Foreign epochs in /upload-processed are never opened one by one.
 */

export type Location = typeof UPLOAD_DIR | typeof PROCESSED_DIR

export interface AccountListing {
  readonly upload: ReadonlyMap<string, RemoteEntry>
  readonly processed: ReadonlyMap<string, RemoteEntry>
  /** Plain files straight in /upload: direct-mode uploads waiting. */
  readonly directFiles: ReadonlySet<string>
}

const FOREIGN_SHOWN = 20

/** Lists both folders once. */
export async function listAccount(
  sftp: SftpClient,
  withProcessed: boolean,
): Promise<AccountListing> {
  const upload = (await listIfPresent(sftp, UPLOAD_DIR)) ?? []
  const processed = withProcessed
    ? ((await listIfPresent(sftp, PROCESSED_DIR)) ?? [])
    : []
  const epochs = (entries: RemoteEntry[]) =>
    new Map(
      entries
        .filter((e) => e.type === 'directory' && looksLikeEpoch(e.name))
        .map((e) => [e.name, e]),
    )

  return {
    upload: epochs(upload),
    processed: epochs(processed),
    directFiles: new Set(
      upload.filter((e) => e.type === 'file').map((e) => e.name),
    ),
  }
}

/** Where the listing saw an epoch; processed wins over a stale copy. */
export function locate(
  listing: AccountListing,
  epoch: string,
): Location | undefined {
  if (listing.processed.has(epoch)) return PROCESSED_DIR
  if (listing.upload.has(epoch)) return UPLOAD_DIR

  return undefined
}

/**
 * For each direct-mode run, the first epoch the server created at or after
 * the upload that holds a file of the same name and is not already
 * claimed. Runs are matched oldest first, so two nights never share one.
 */
export async function matchDirectRuns(
  sftp: SftpClient,
  listing: AccountListing,
  runs: readonly RunRecord[],
  claimed: Set<string>,
  known: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const matches = new Map<string, string>()
  const names = [...listing.upload.keys(), ...listing.processed.keys()].sort()

  for (const run of runs) {
    const recorded = known.get(run.id)
    if (recorded) {
      matches.set(run.id, recorded)
      claimed.add(recorded)
      continue
    }
    const fileName = baseName(run.file)
    const after = secondsFloor(run.startedAt)
    for (const name of names) {
      const made = parseEpoch(name)?.getTime()
      if (made === undefined || made < after || claimed.has(name)) continue
      if (!(await holdsFile(sftp, listing, name, fileName))) continue

      matches.set(run.id, name)
      claimed.add(name)
      break
    }
  }
  return matches
}

async function holdsFile(
  sftp: SftpClient,
  listing: AccountListing,
  epoch: string,
  fileName: string | undefined,
): Promise<boolean> {
  const where = locate(listing, epoch)
  if (!where || !fileName) return false

  return (await sftp.exists(`${where}/${epoch}/${fileName}`)) === '-'
}

/** Epochs in the account that are not ours, latest first. */
export function foreignEpochs(
  listing: AccountListing,
  ours: ReadonlySet<string>,
): { shown: ForeignEpoch[]; count: number } {
  const all: ForeignEpoch[] = [
    ...[...listing.upload.keys()].map((epoch) => ({
      epoch,
      location: UPLOAD_DIR as Location,
    })),
    ...[...listing.processed.keys()].map((epoch) => ({
      epoch,
      location: PROCESSED_DIR as Location,
    })),
  ].filter((e) => !ours.has(e.epoch))
  all.sort((a, b) => (a.epoch < b.epoch ? 1 : -1))

  return { shown: all.slice(0, FOREIGN_SHOWN), count: all.length }
}

/**
 * Folders in /upload without COMPLETE, older than the threshold: a run
 * that crashed between creating the epoch and finishing it. /upload holds
 * few epochs, so opening each one is cheap.
 */
export async function findLeftovers(
  sftp: SftpClient,
  listing: AccountListing,
  ours: ReadonlySet<string>,
  now: Date,
  afterHours: number,
): Promise<LeftoverEpoch[]> {
  const found: LeftoverEpoch[] = []

  for (const [epoch, entry] of [...listing.upload].sort()) {
    const made = parseEpoch(epoch)?.getTime() ?? entry.modifiedAt
    const ageHours = (now.getTime() - made) / 3_600_000
    if (ageHours < afterHours) continue

    const files = (await sftp.list(`${UPLOAD_DIR}/${epoch}`).catch(() => []))
      .map((f) => f.name)
      .sort()
    if (files.includes(COMPLETE_NAME)) continue

    found.push({
      epoch,
      location: UPLOAD_DIR,
      ageHours: round1(ageHours),
      files,
      ours: ours.has(epoch),
    })
  }
  return found
}

function baseName(file: string | undefined): string | undefined {
  return file?.split(/[\\/]/).pop()
}

function secondsFloor(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000) * 1000
}

/** Hours with one decimal, for reports. */
export function round1(hours: number): number {
  return Math.round(hours * 10) / 10
}
