import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { defaultHome, resolveHome } from '../../main/services/home'
import { CLI_BIN } from '../harness/cli'

describe('choosing the home folder', () => {
  it('treats an empty SAMEGOAL_ASCENDER_HOME as unset, not as the working folder', () => {
    for (const value of ['', '   ']) {
      const home = resolveHome(undefined, { SAMEGOAL_ASCENDER_HOME: value })
      assert.equal(home, path.resolve(defaultHome()))
      assert.notEqual(home, process.cwd())
    }
  })

  it('keeps paths with spaces, quotes and non-ASCII letters exactly', () => {
    const odd = path.join(path.sep, 'tmp', `Dist 'A' "B" \u00e9\u00f1`)
    assert.equal(resolveHome(odd, {}), odd)
    assert.equal(resolveHome(undefined, { SAMEGOAL_ASCENDER_HOME: odd }), odd)
  })

  it('refuses a home that cannot be created instead of hanging', (t) => {
    if (!fs.existsSync('/proc/self')) {
      t.skip('needs /proc, where folders cannot be made')
      return
    }
    // Node's recursive mkdir loops forever here; the run must end.
    const run = spawnSync(
      process.execPath,
      [CLI_BIN, '--home', '/proc/sg-no-home/x', '--json', 'district', 'list'],
      { encoding: 'utf8', timeout: 60_000 },
    )
    assert.equal(run.signal, null, 'it ended by itself')
    assert.equal(run.status, 2, run.stdout)
    const json = JSON.parse(run.stdout) as Record<string, unknown>
    assert.equal(json['code'], 'PATH_UNUSABLE')
    assert.match(String(json['message']), /cannot be created/)
  })
})
