import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { AppError } from '../../shared/errors'
import type { RunRecord } from '../../shared/settings-schema'
import { createContext, type ServiceContext } from '../../main/services/context'
import { appendRun, readRuns } from '../../main/services/run-history'
import { latestSlot } from '../../main/services/schedule/night-slot'
import { runNightly } from '../../main/services/schedule/nightly-run'
import { tempDir } from '../harness/cli'

const DOMAIN = 'fooisd.org'

function record(startedAt: Date, result: RunRecord['result']): RunRecord {
  return {
    id: crypto.randomUUID(),
    domain: DOMAIN,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    durationMs: 1000,
    result,
    mode: 'epoch',
    epoch: '20261203-020001',
  }
}

describe('the nightly run the scheduler starts', () => {
  let root: string
  let ctx: ServiceContext
  // 02:40 local on the night of 3 December, as after a late wake.
  const now = new Date(2026, 11, 3, 2, 40, 0)

  before(async () => {
    root = tempDir('sg-nightly')
    ctx = createContext(path.join(root, 'home'), {
      now: () => now,
      // No real name lookups: a name that never resolves.
      lookup: () => Promise.reject(new Error('getaddrinfo EAI_AGAIN')),
    })
    await ctx.store.add(DOMAIN, {
      at: '02:00',
      host: 'sftp.example.org',
      exportDir: path.join(root, 'exports'),
    })
    // The folder exists but Ascender has not written tonight's file.
    fs.mkdirSync(path.join(root, 'exports'))
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('counts a run after midnight but before the time as the night before', () => {
    const early = new Date(2026, 11, 3, 1, 0, 0)
    assert.equal(latestSlot(early, '02:00').getDate(), 2)
    assert.equal(latestSlot(now, '02:00').getDate(), 3)
  })

  it('waits a bounded time for the network, then runs and fails with the run\u2019s own error', async () => {
    let lookups = 0
    const error = await runNightly(ctx, DOMAIN, {
      networkWaitMs: 60,
      resolve: () => {
        lookups++
        return Promise.reject(new Error('getaddrinfo EAI_AGAIN'))
      },
    }).catch((caught: unknown) => caught)

    assert.ok(lookups >= 1)
    assert.ok(error instanceof AppError)
    assert.equal(error.code, 'NO_EXPORT_FILE')
    assert.equal(error.exitCode, 7)
  })

  it('goes ahead as soon as the network is up', async () => {
    let lookups = 0
    const error = await runNightly(ctx, DOMAIN, {
      networkWaitMs: 60_000,
      resolve: async () => {
        lookups++
        if (lookups < 3) throw new Error('getaddrinfo ENOTFOUND')
        return { address: '192.0.2.1' }
      },
    }).catch((caught: unknown) => caught)

    assert.equal(lookups, 3)
    assert.equal((error as AppError).code, 'NO_EXPORT_FILE')
  })

  it('does not wait for the network when there is no export folder', async () => {
    await ctx.store.set(DOMAIN, { exportDir: path.join(root, 'gone') })
    let lookups = 0
    const error = await runNightly(ctx, DOMAIN, {
      resolve: () => {
        lookups++
        return Promise.reject(new Error('getaddrinfo EAI_AGAIN'))
      },
    }).catch((caught: unknown) => caught)

    assert.equal(lookups, 0)
    assert.equal((error as AppError).code, 'NO_EXPORT_FOLDER')
    await ctx.store.set(DOMAIN, { exportDir: path.join(root, 'exports') })
  })

  it('a failed run tonight does not stop a retry', async () => {
    await appendRun(ctx.layout, record(new Date(2026, 11, 3, 2, 1), 'failed'))
    const outcome = await runNightly(ctx, DOMAIN, {
      resolve: async () => ({}),
    }).catch((caught: unknown) => caught)
    assert.equal((outcome as AppError).code, 'NO_EXPORT_FILE')
  })

  it('skips when tonight\u2019s upload already succeeded, but not for last night\u2019s', async () => {
    await appendRun(ctx.layout, record(new Date(2026, 11, 2, 2, 1), 'success'))
    const stillRuns = await runNightly(ctx, DOMAIN, {
      resolve: async () => ({}),
    }).catch((caught: unknown) => caught)
    assert.equal((stillRuns as AppError).code, 'NO_EXPORT_FILE')

    const tonight = record(new Date(2026, 11, 3, 2, 5), 'success')
    await appendRun(ctx.layout, tonight)
    const outcome = await runNightly(ctx, DOMAIN, { resolve: async () => ({}) })
    assert.equal(outcome.kind, 'skipped')
    assert.equal(outcome.kind === 'skipped' && outcome.previous.id, tonight.id)
  })

  it('skips under the run lock when another run finished tonight meanwhile', async () => {
    const other = 'otherisd.org'
    await ctx.store.add(other, {
      at: '02:00',
      host: 'sftp.example.org',
      exportDir: path.join(root, 'exports'),
    })
    // The other run's success lands while this one waits for the network.
    const outcome = await runNightly(ctx, other, {
      networkWaitMs: 60_000,
      resolve: async () => {
        await appendRun(ctx.layout, {
          ...record(new Date(2026, 11, 3, 2, 35, 0), 'success'),
          domain: other,
        })
      },
    })
    assert.equal(outcome.kind, 'skipped')
    const runs = await readRuns(ctx.layout, other)
    assert.equal(runs.length, 1, 'nothing recorded beside the other run')
  })
})
