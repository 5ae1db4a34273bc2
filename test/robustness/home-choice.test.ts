import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { defaultHome, resolveHome } from '../../main/services/home'

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
})
