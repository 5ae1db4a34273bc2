import dns from 'node:dns/promises'
import fs from 'node:fs'
import net from 'node:net'
import pRetry from 'p-retry'
import { toErrorData } from '../../../shared/errors'
import type { UploadResult } from '../../../shared/reports'
import type { RunRecord } from '../../../shared/settings-schema'
import { alertRunFailure } from '../alerts'
import type { ServiceContext } from '../context'
import { checkBeforeUpload } from '../processing-status'
import { readRuns } from '../run-history'
import { AlreadyDone, runUpload } from '../upload-run'
import { latestSlot } from './night-slot'

/**
 * What the OS scheduler starts each night. It uploads at most once per
 * night (a machine waking from sleep may be started late, or twice), and
 * waits a bounded time for the network when it was started on wake.
 */

export interface NightlyOptions {
  /** How long to wait for the network to come up; default 10 minutes. */
  readonly networkWaitMs?: number
  /** A scheduler's stop request: cancels the upload cleanly. */
  readonly signal?: AbortSignal
  /** Tests: a resolver that says whether the network is up yet. */
  readonly resolve?: (host: string) => Promise<unknown>
}

export type NightlyOutcome =
  | { readonly kind: 'uploaded'; readonly result: UploadResult }
  | {
      readonly kind: 'skipped'
      readonly previous: RunRecord
      readonly slot: string
    }

const DEFAULT_NETWORK_WAIT_MS = 10 * 60_000

/** Runs tonight's upload unless it already succeeded. */
export async function runNightly(
  ctx: ServiceContext,
  domain: string,
  options: NightlyOptions = {},
): Promise<NightlyOutcome> {
  const district = await ctx.store.get(domain)
  const now = ctx.now()
  const slot = latestSlot(now, district.at)
  // A run stamped in the future (a clock that was wrong that night) is not
  // tonight's: counting it would skip every night until that date.
  const tonight = async (): Promise<RunRecord | undefined> =>
    (await readRuns(ctx.layout, district.domain)).find((run) => {
      const started = new Date(run.startedAt)
      return run.result === 'success' && started >= slot && started <= ctx.now()
    })
  const previous = await tonight()

  if (previous) {
    ctx.log.info(
      { domain: district.domain, previous: previous.id },
      'tonight already uploaded; skipped',
    )
    return { kind: 'skipped', previous, slot: slot.toISOString() }
  }

  // Without an export folder the run fails at once; waiting helps nothing.
  const hasExports = district.exportDir && fs.existsSync(district.exportDir)
  const waitMs = hasExports
    ? (options.networkWaitMs ?? DEFAULT_NETWORK_WAIT_MS)
    : 0
  const up = await waitForNetwork(
    district.host,
    waitMs,
    options.resolve ?? ctx.lookup ?? dns.lookup,
  )
  if (!up)
    ctx.log.warn(
      { domain: district.domain, waitMs },
      'network still down; trying anyway',
    )

  // Last night's epoch first: whether SameGoal processed it is recorded as
  // a fact of its own before tonight's upload adds another.
  await checkBeforeUpload(ctx, district.domain)

  try {
    // Checked again under the run's lock: a second start that got this far
    // while the first was still uploading must not upload again.
    const result = await runUpload(ctx, district.domain, {
      skipIf: async () => (await tonight()) !== undefined,
      ...(options.signal ? { signal: options.signal } : {}),
    })
    return { kind: 'uploaded', result }
  } catch (error) {
    const done = error instanceof AlreadyDone ? await tonight() : undefined
    if (done)
      return { kind: 'skipped', previous: done, slot: slot.toISOString() }
    const failure = toErrorData(error)
    // Nobody watches at 2 a.m.: the optional email alert says it failed.
    // Another run holding the lock is that run's business, not a failure.
    if (failure.code !== 'RUN_IN_PROGRESS')
      await alertRunFailure(ctx, district.domain, failure)
    throw error
  }
}

/**
 * True once the server's name resolves. Right after wake the name lookup
 * is what fails first; the upload itself retries its own transfers.
 */
async function waitForNetwork(
  host: string,
  waitMs: number,
  resolve: (host: string) => Promise<unknown>,
): Promise<boolean> {
  if (net.isIP(host) !== 0 || waitMs <= 0) return true

  try {
    await pRetry(() => resolve(host), {
      retries: 1000,
      minTimeout: Math.min(5_000, waitMs),
      maxTimeout: 30_000,
      maxRetryTime: waitMs,
    })
    return true
  } catch {
    return false
  }
}
