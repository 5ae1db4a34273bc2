import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { acquireLock } from '../../main/services/file-lock'
import { HomeLayout } from '../../main/services/home'
import { assertRefused, homeWithDistrict, type BadInputHome } from './helpers'

const DOMAIN = 'removeisd.org'

describe('district remove while an upload runs', () => {
  let h: BadInputHome
  let layout: HomeLayout

  before(async () => {
    h = await homeWithDistrict(DOMAIN)
    layout = new HomeLayout(h.home)
  })
  after(() => h.cleanup())

  it('is refused with RUN_IN_PROGRESS and moves nothing', async () => {
    // Held exactly as the upload run holds it.
    const release = await acquireLock(layout.runLockTarget(DOMAIN), {
      waitMs: 0,
      staleMs: 60_000,
    })
    const refused = await h.cli('district', 'remove', DOMAIN)
    await release()

    assertRefused(refused, 8, 'RUN_IN_PROGRESS')
    assert.match(String(refused.json['message']), /once the run has finished/)
    assert.ok(fs.existsSync(layout.settingsFile(DOMAIN)))
    assert.equal(fs.existsSync(layout.archiveDir), false)
  })

  it('works once the run is over, and leaves no lock in the archive', async () => {
    const removed = await h.cli('district', 'remove', ' RemoveISD.org. ')
    assert.equal(removed.code, 0, removed.stdout)
    assert.equal(removed.json['domain'], DOMAIN, 'the domain as stored')
    assert.equal(fs.existsSync(layout.districtDir(DOMAIN)), false)

    const [archived] = fs.readdirSync(layout.archiveDir)
    const kept = fs.readdirSync(`${layout.archiveDir}/${archived}`)
    assert.ok(kept.includes('district.json'))
    assert.deepEqual(
      kept.filter((name) => name.includes('lock')),
      [],
    )
  })
})
