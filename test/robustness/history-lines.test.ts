import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { after, describe, it } from 'node:test'
import { HomeLayout } from '../../main/services/home'
import { appendRun, readRuns } from '../../main/services/run-history'
import type { RunRecord } from '../../shared/settings-schema'
import { tempDir } from '../harness/cli'

const DOMAIN = 'linesisd.org'

function run(result: RunRecord['result']): RunRecord {
  const at = new Date().toISOString()
  return {
    id: crypto.randomUUID(),
    domain: DOMAIN,
    startedAt: at,
    finishedAt: at,
    durationMs: 5,
    result,
    mode: 'epoch',
  }
}

describe('a run history whose last line was cut short', () => {
  const home = tempDir('sg-lines')
  after(() => fs.rmSync(home, { recursive: true, force: true }))

  it('keeps the next record on a line of its own, so it is not lost', async () => {
    const layout = new HomeLayout(home)
    await appendRun(layout, run('success'))
    const file = layout.historyFile(DOMAIN)
    // A crash or a full disk cut the last record short.
    fs.truncateSync(file, fs.statSync(file).size - 40)

    const next = run('failed')
    await appendRun(layout, next)
    const runs = await readRuns(layout, DOMAIN)
    assert.deepEqual(
      runs.map((r) => r.id),
      [next.id],
      'the damaged line is skipped, the new record kept',
    )
  })
})
