import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, it } from 'node:test'
import { PROJECT_ROOT } from '../harness/cli'

describe('npm run demo', () => {
  it('walks the five steps against the practice server and says so', () => {
    const demo = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'demo.ts')],
      { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 },
    )

    assert.equal(demo.status, 0, `${demo.stdout}\n${demo.stderr}`)
    assert.doesNotMatch(demo.stdout, /^FAIL/m)
    for (const step of [
      '1 keypair',
      '2 share the key',
      '3 test connection before the key synced: refused as expected',
      '3 test connection: works',
      '4 nightly upload',
      '5 confirm processing: \\d{8}-\\d{6} processed',
    ]) {
      assert.match(demo.stdout, new RegExp(`^ok +${step}`, 'm'))
    }
    assert.match(demo.stdout, /all five steps worked/)
  })
})
