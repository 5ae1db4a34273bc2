import fs from 'node:fs/promises'
import path from 'node:path'
import sshpk from 'sshpk'
import writeFileAtomic from 'write-file-atomic'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { pathErrorFrom } from '../../shared/fs-errors'
import {
  districtSettingsSchema,
  type DistrictSettings,
} from '../../shared/settings-schema'
import { seal, sealedSchema, unseal } from './bundle-crypto'
import type { ServiceContext } from './context'
import { PROCESSING_FILE } from './processing-log'

/**
 * All district settings of a home as one file, to move to a new machine
 * or hand over to a colleague without new keys: settings with pinned host
 * keys, the key files, the run history and processing facts. The whole
 * payload is encrypted under the technician's passphrase; private keys
 * never leave in clear.
 */

const entrySchema = z.object({
  settings: districtSettingsSchema,
  keyFiles: z.array(z.object({ name: z.string(), text: z.string() })),
  history: z.string(),
  processing: z.string(),
})
const payloadSchema = z.object({ districts: z.array(entrySchema) })

type Entry = z.infer<typeof entrySchema>

export interface ExportResult {
  readonly file: string
  readonly districts: readonly string[]
}

export interface ImportResult {
  readonly imported: readonly string[]
  readonly skipped: readonly { domain: string; reason: string }[]
}

/** Writes every district of the home into one encrypted file. */
export async function exportDistricts(
  ctx: ServiceContext,
  file: string,
  passphrase: string,
): Promise<ExportResult> {
  const entries: Entry[] = []
  for (const settings of await ctx.store.list())
    entries.push(await readEntry(ctx, settings))

  const sealed = await seal({ districts: entries }, passphrase, ctx.now())
  try {
    await writeFileAtomic(file, `${JSON.stringify(sealed, null, 2)}\n`, {
      mode: 0o600,
    })
  } catch (error) {
    // The library's error names its temporary file; the user chose `file`.
    const named = Object.assign(new Error(String(error)), {
      code: (error as NodeJS.ErrnoException).code,
      path: file,
    })
    throw pathErrorFrom(named) ?? error
  }
  return { file, districts: entries.map((e) => e.settings.domain) }
}

async function readEntry(
  ctx: ServiceContext,
  settings: DistrictSettings,
): Promise<Entry> {
  const keysDir = ctx.layout.keysDir(settings.domain)
  const names = await fs.readdir(keysDir).catch(() => [] as string[])
  const keyFiles = []
  for (const name of names.sort()) {
    const full = path.join(keysDir, name)
    if ((await fs.stat(full)).isFile())
      keyFiles.push({ name, text: await fs.readFile(full, 'utf8') })
  }
  const dir = ctx.layout.districtDir(settings.domain)

  return {
    settings,
    keyFiles,
    history: await readOptional(ctx.layout.historyFile(settings.domain)),
    processing: await readOptional(path.join(dir, PROCESSING_FILE)),
  }
}

/**
 * Imports a bundle. Nothing is written until the whole file is decrypted
 * and checked; a district that already exists here is skipped with a
 * message, never overwritten.
 */
export async function importDistricts(
  ctx: ServiceContext,
  file: string,
  passphrase: string,
): Promise<ImportResult> {
  const entries = await openBundle(file, passphrase)
  const existing = new Set((await ctx.store.list()).map((d) => d.domain))
  const imported: string[] = []
  const skipped: { domain: string; reason: string }[] = []

  for (const entry of entries) {
    const domain = entry.settings.domain
    if (existing.has(domain)) {
      skipped.push({
        domain,
        reason: 'already set up in this home; left unchanged',
      })
      continue
    }
    await writeEntry(ctx, entry)
    imported.push(domain)
  }
  return { imported, skipped }
}

async function openBundle(file: string, passphrase: string): Promise<Entry[]> {
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'))
  } catch (error) {
    throw new AppError(
      'BUNDLE_INVALID',
      `${file} is not a settings file made by "district export".`,
      { cause: error },
    )
  }
  const sealed = sealedSchema.safeParse(raw)
  if (!sealed.success)
    throw new AppError(
      'BUNDLE_INVALID',
      `${file} is not a settings file made by "district export".`,
      { details: sealed.error.message },
    )

  const payload = payloadSchema.safeParse(await unseal(sealed.data, passphrase))
  if (!payload.success)
    throw new AppError('BUNDLE_INVALID', `${file} holds unreadable settings.`, {
      details: payload.error.message,
    })
  for (const entry of payload.data.districts) checkKey(entry)

  return payload.data.districts
}

// The private key must still be the one the settings name, so an import
// never leaves a district with a key SameGoal does not know.
function checkKey(entry: Entry): void {
  const record = entry.settings.key
  if (!record || record.encrypted) return

  const file = entry.keyFiles.find((f) => f.name === record.file)
  const sha256 = file
    ? sshpk.parsePrivateKey(file.text, 'auto').fingerprint('sha256').toString()
    : undefined
  if (sha256 === record.sha256) return

  throw new AppError(
    'BUNDLE_INVALID',
    `The key for ${entry.settings.domain} in the file does not match its settings. Nothing was imported.`,
  )
}

async function writeEntry(ctx: ServiceContext, entry: Entry): Promise<void> {
  const domain = entry.settings.domain
  const keysDir = ctx.layout.keysDir(domain)
  await fs.mkdir(keysDir, { recursive: true, mode: 0o700 })
  for (const key of entry.keyFiles) {
    const safe = path.basename(key.name)
    const mode = safe.endsWith('.pub') ? 0o644 : 0o600
    await writeFileAtomic(path.join(keysDir, safe), key.text, { mode })
  }

  const dir = ctx.layout.districtDir(domain)
  if (entry.history)
    await writeFileAtomic(ctx.layout.historyFile(domain), entry.history, {
      mode: 0o600,
    })
  if (entry.processing)
    await writeFileAtomic(path.join(dir, PROCESSING_FILE), entry.processing, {
      mode: 0o600,
    })

  // Settings last: a district appears only once its files are in place.
  await ctx.store.add(domain, { name: entry.settings.name })
  await ctx.store.update(domain, () => entry.settings)
}

async function readOptional(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '')
}
