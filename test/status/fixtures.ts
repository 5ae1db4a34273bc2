import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { formatEpoch } from '../../shared/epoch'
import type { RunRecord } from '../../shared/settings-schema'
import { checkConnection } from '../../main/services/connection-check'
import { createContext, type ServiceContext } from '../../main/services/context'
import { generateKey } from '../../main/services/keys'
import { appendRun } from '../../main/services/run-history'
import type { SshdServer } from '../harness/openssh-server'

/** Helpers that lay out epochs on the test server's disk and in history. */

export const EXPORT_NAME = 'TxEISStudent_015907.txt'

/** A district on the test server, with a key it can log in with and a pin. */
export async function districtOnServer(
  ctx: ServiceContext,
  server: SshdServer,
  domain: string,
  port = server.port,
): Promise<void> {
  await ctx.store.add(domain, { host: '127.0.0.1', port, name: domain })
  const key = await generateKey(ctx.store, domain, 'ed25519')
  server.authorize(domain, key.publicKey)
  if (port === server.port)
    await checkConnection(ctx, domain, { firstUse: true })
}

/** A context whose clock stands still at `now`. */
export function contextAt(home: string, now: Date): ServiceContext {
  return createContext(home, { now: () => now })
}

export type Where = 'upload' | 'upload-processed'

/** Writes an epoch folder with the given files straight onto the server's disk. */
export function epochOnDisk(
  server: SshdServer,
  account: string,
  where: Where,
  epoch: string,
  files: Record<string, string>,
): void {
  const dir = path.join(server.accountRoot(account), where, epoch)
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 })
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), text, { mode: 0o644 })
}

/** students.csv with a header and n rows. */
export function studentsCsv(n: number): string {
  const rows = ['Student Id,Last Name,First Name']
  for (let i = 1; i <= n; i++)
    rows.push(`${String(i).padStart(6, '0')},Doe,"Pat, ${i}"`)
  return `${rows.join('\r\n')}\r\n`
}

export const COMPLETE = { COMPLETE: '' }
export const EXPORT = { [EXPORT_NAME]: 'StudentId\tLastName\r\n1\tDoe\r\n' }

/** A successful upload run in the history, finished at `at`. */
export async function uploadedRun(
  ctx: ServiceContext,
  domain: string,
  at: Date,
  fields: Partial<RunRecord>,
): Promise<RunRecord> {
  const record: RunRecord = {
    id: crypto.randomUUID(),
    domain,
    startedAt: new Date(at.getTime() - 2000).toISOString(),
    finishedAt: at.toISOString(),
    durationMs: 2000,
    result: 'success',
    mode: 'epoch',
    file: `/exports/${EXPORT_NAME}`,
    ...fields,
  }
  await appendRun(ctx.layout, record)
  return record
}

/** The epoch name for a time some hours before `now`. */
export function epochHoursAgo(now: Date, hours: number): string {
  return formatEpoch(new Date(now.getTime() - hours * 3_600_000))
}

export function hoursAgo(now: Date, hours: number): Date {
  return new Date(now.getTime() - hours * 3_600_000)
}
