import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createContext, type ServiceContext } from '../../main/services/context'
import { appendRun } from '../../main/services/run-history'
import { runNightly } from '../../main/services/schedule/nightly-run'
import { tempDir } from '../harness/cli'

const DOMAIN = 'clockisd.org'

describe('a history line stamped in the future', () => {
  let root: string
  let ctx: ServiceContext
  const now = new Date(2026, 11, 3, 2, 10, 0)

  before(async () => {
    root = tempDir('sg-clock')
    ctx = createContext(path.join(root, 'home'), {
      now: () => now,
      lookup: () => Promise.reject(new Error('getaddrinfo ENOTFOUND')),
    })
    // No export folder: a run that is not skipped fails at once, offline.
    await ctx.store.add(DOMAIN, { at: '02:00', host: 'sftp.example.org' })
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('does not make the nightly run skip until that date', async () => {
    // Written one night when the computer's clock said 2031.
    const future = new Date(2031, 0, 1, 2, 0, 5).toISOString()
    await appendRun(ctx.layout, {
      id: crypto.randomUUID(),
      domain: DOMAIN,
      startedAt: future,
      finishedAt: future,
      durationMs: 1000,
      result: 'success',
      mode: 'epoch',
      epoch: '20310101-020005',
    })

    const outcome = await runNightly(ctx, DOMAIN, { networkWaitMs: 0 }).catch(
      (error: unknown) => error,
    )
    assert.notEqual(
      (outcome as { kind?: string }).kind,
      'skipped',
      'tonight still gets its upload',
    )
  })
})
