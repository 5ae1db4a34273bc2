import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { assertNotPractice } from '../../main/practice/practice-guard'
import { deliverPracticeKey } from '../../main/practice/practice-root'
import { DistrictStore } from '../../main/services/district-store'
import { tempDir } from '../harness/cli'

describe('a practice district stays a practice district', () => {
  let home: string
  let store: DistrictStore

  before(() => {
    home = tempDir('sg-practice-guard')
    store = new DistrictStore(home)
  })
  after(() => fs.rmSync(home, { recursive: true, force: true }))

  it('cannot be added pointing at the real server', async () => {
    await assert.rejects(
      store.add('realhost.example', {
        practice: true,
        host: 'sftp.samegoal.com',
      }),
      { code: 'PRACTICE_REAL_HOST' },
    )
    assert.deepEqual(await store.list(), [])
  })

  it('cannot be moved to another host or unmarked', async () => {
    await store.add('guarded.example', { practice: true, host: '127.0.0.1' })

    await assert.rejects(
      store.set('guarded.example', { host: 'sftp.samegoal.com' }),
      {
        code: 'PRACTICE_REAL_HOST',
      },
    )
    await assert.rejects(store.set('guarded.example', { practice: false }), {
      code: 'PRACTICE_REAL_HOST',
    })
    const kept = await store.get('guarded.example')
    assert.equal(kept.host, '127.0.0.1')
    assert.equal(kept.practice, true)
  })

  it('is refused by the scheduler guard; a real district is not', async () => {
    const practice = await store.get('guarded.example')
    assert.throws(() => assertNotPractice(practice), {
      code: 'PRACTICE_NOT_SCHEDULED',
    })
    assertNotPractice({ domain: 'fooisd.org' })
  })

  it('keeps the first arrival time when the same key is sent again', async () => {
    const root = `${home}/practice`
    const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA guarded.example'
    const first = await deliverPracticeKey(
      root,
      'guarded.example',
      line,
      new Date('2026-12-03T09:00:00Z'),
    )
    const again = await deliverPracticeKey(
      root,
      'guarded.example',
      `${line} again`,
      new Date('2026-12-03T09:05:00Z'),
    )

    assert.equal(again.deliveredAt, first.deliveredAt)
    const text = fs.readFileSync(first.file, 'utf8')
    assert.equal(text.split('\n').filter((l) => l.startsWith('ssh-')).length, 1)
  })
})
