import { normalizeDomain } from '../../shared/domain'
import { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'
import { writeSampleExport } from '../processor/sample-export'
import type { ServiceContext } from '../services/context'
import { isPractice } from './practice-guard'
import {
  deliverPracticeKey,
  DEFAULT_PRACTICE_PORT,
  ensureAccount,
  hasAccount,
  practiceExportDirOf,
  practiceRootOf,
  recordedPort,
  type Delivery,
} from './practice-root'

/**
 * Practice districts in a home: made with an account on the practice
 * server and a sample export, keys "sent" by dropping them into the
 * account, and ports kept in step with the server.
 */

export const SAMPLE_DOMAIN = 'practice-isd.example'
export const SAMPLE_COUNTY_DISTRICT = '015907'
const SAMPLE_RECORDS = 1200

export interface PracticeAddOptions {
  readonly name?: string
  /** The practice server's port; the one it last used when left out. */
  readonly port?: number
  /** The practice root; the home's own when left out. */
  readonly root?: string
}

/** Adds a practice district: account folder, sample export and settings. */
export async function addPracticeDistrict(
  ctx: ServiceContext,
  domainInput: string,
  options: PracticeAddOptions = {},
): Promise<DistrictSettings> {
  const domain = normalizeDomain(domainInput)
  const root = options.root ?? practiceRootOf(ctx.layout.root)
  const port =
    options.port ?? (await recordedPort(root)) ?? DEFAULT_PRACTICE_PORT
  const exportDir = practiceExportDirOf(root, domain)

  await ensureAccount(root, domain)
  await writeSampleExport(exportDir, {
    records: SAMPLE_RECORDS,
    countyDistrict: SAMPLE_COUNTY_DISTRICT,
  })
  return ctx.store.add(domain, {
    name: options.name ?? `Practice ${domain}`,
    countyDistrict: SAMPLE_COUNTY_DISTRICT,
    host: '127.0.0.1',
    port,
    exportDir,
    practice: true,
  })
}

/**
 * Sends a practice district's public key to the practice server in its
 * home, and records that the key was shared.
 */
export async function deliverDistrictKey(
  ctx: ServiceContext,
  domain: string,
  root = practiceRootOf(ctx.layout.root),
): Promise<Delivery> {
  const district = await ctx.store.get(domain)
  if (!isPractice(district)) {
    throw new AppError(
      'INVALID_INPUT',
      `${district.domain} is a real district; send its key to SameGoal, not to the practice server.`,
    )
  }
  if (!district.key) {
    throw new AppError(
      'NO_KEY',
      `${district.domain} has no keypair yet to send.`,
    )
  }

  // A key waiting to replace the current one is the one to send.
  const toSend = district.pendingKey ?? district.key
  const delivery = await deliverPracticeKey(
    root,
    district.domain,
    toSend.publicKey,
    ctx.now(),
  )
  await ctx.store.update(district.domain, (current) => ({
    ...current,
    keyShared: { at: delivery.deliveredAt, route: 'practice' },
  }))
  return delivery
}

/**
 * Points every practice district served by this root at the port the
 * server listens on now. The pinned host key stays: it is the same server.
 */
export async function followPracticePort(
  ctx: ServiceContext,
  root: string,
  port: number,
): Promise<void> {
  for (const district of await ctx.store.list()) {
    if (!isPractice(district) || district.port === port) continue
    if (!(await hasAccount(root, district.domain))) continue

    await ctx.store.update(district.domain, (current) => ({
      ...current,
      port,
    }))
  }
}
