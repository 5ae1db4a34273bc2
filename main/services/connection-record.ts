import fs from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { z } from 'zod'
import { normalizeDomain } from '../../shared/domain'
import { toErrorData } from '../../shared/errors'
import type { ConnectionState } from '../../shared/status-reports'
import type { HomeLayout } from './home'

/**
 * The last connection outcome per district (`connection.json` beside its
 * settings), so the fleet view can show it without connecting. Every
 * status check, connection test and upload is a connection, so each one
 * may record how it went.
 */

const connectionSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  code: z.string().optional(),
  message: z.string().optional(),
  via: z.enum(['check', 'status', 'upload']),
})

function recordFile(layout: HomeLayout, domain: string): string {
  return path.join(layout.districtDir(domain), 'connection.json')
}

/** Records how a connection went; never fails the caller. */
export async function recordConnection(
  layout: HomeLayout,
  domain: string,
  state: ConnectionState,
): Promise<void> {
  try {
    const name = normalizeDomain(domain)
    await fs.access(layout.districtDir(name))
    await writeFileAtomic(
      recordFile(layout, name),
      `${JSON.stringify(state)}\n`,
      { mode: 0o600 },
    )
  } catch {
    // a removed district or a read-only home: the outcome is still returned
  }
}

/** Runs a connecting action and records its outcome. */
export async function withConnectionRecord<T>(
  layout: HomeLayout,
  domain: string,
  via: ConnectionState['via'],
  now: () => Date,
  action: () => Promise<T>,
): Promise<T> {
  try {
    const value = await action()
    await recordConnection(layout, domain, {
      at: now().toISOString(),
      ok: true,
      via,
    })
    return value
  } catch (error) {
    const data = toErrorData(error)
    await recordConnection(layout, domain, {
      at: now().toISOString(),
      ok: false,
      code: data.code,
      message: data.message,
      via,
    })
    throw error
  }
}

/** The last recorded outcome, if any. */
export async function readConnection(
  layout: HomeLayout,
  domain: string,
): Promise<ConnectionState | undefined> {
  try {
    const text = await fs.readFile(recordFile(layout, domain), 'utf8')
    const parsed = connectionSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
