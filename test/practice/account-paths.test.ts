import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import {
  assertInside,
  isWritable,
  NotInAccount,
  PathRefused,
  resolveInAccount,
} from '../../main/practice/account-paths'
import {
  deliverPracticeKey,
  readAuthorizedKeys,
} from '../../main/practice/practice-root'
import { tempDir } from '../harness/cli'

const ACCOUNT = '/srv/practice/fooisd.org'

describe('the practice account boundary', () => {
  it('maps client paths into the account, relative ones from its top', () => {
    const target = resolveInAccount(ACCOUNT, 'upload/./20261203-010203/')
    assert.equal(target.virtual, '/upload/20261203-010203')
    assert.equal(target.real, `${ACCOUNT}/upload/20261203-010203`)
    assert.equal(resolveInAccount(ACCOUNT, '/').virtual, '/')
  })

  it('refuses any path that climbs out, instead of clamping it', () => {
    for (const outside of ['..', '/../etc', '/upload/../../x', 'a/../../b']) {
      assert.throws(() => resolveInAccount(ACCOUNT, outside), PathRefused)
    }
    assert.throws(() => resolveInAccount(ACCOUNT, '/upload/a\0b'), PathRefused)
  })

  it('shows only /upload and /upload-processed at the top', () => {
    assert.throws(
      () => resolveInAccount(ACCOUNT, '/authorized_keys'),
      NotInAccount,
    )
    assert.ok(resolveInAccount(ACCOUNT, '/upload-processed/x'))
  })

  it('lets the district write only below /upload', () => {
    const writable = (p: string) => isWritable(resolveInAccount(ACCOUNT, p))
    assert.equal(writable('/upload/20261203-010203/COMPLETE'), true)
    assert.equal(writable('/upload'), false)
    assert.equal(writable('/upload-processed/20261203-010203'), false)
    assert.equal(writable('/'), false)
  })

  it('refuses a link placed in the account that leads out of it', async () => {
    const dir = tempDir('sg-account')
    try {
      fs.mkdirSync(path.join(dir, 'upload'))
      fs.symlinkSync('/etc', path.join(dir, 'upload', 'escape'))
      const target = resolveInAccount(dir, '/upload/escape/passwd')
      await assert.rejects(assertInside(dir, target), PathRefused)
      await assertInside(dir, resolveInAccount(dir, '/upload/new-file'))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('sending a key to the practice server', () => {
  it('records when each key arrived and refuses text that is no key', async () => {
    const root = tempDir('sg-practice-root')
    try {
      const at = new Date('2026-12-03T09:00:00Z')
      const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA fooisd.org'
      await deliverPracticeKey(root, 'FooISD.org', line, at)

      const keys = await readAuthorizedKeys(path.join(root, 'fooisd.org'))
      assert.deepEqual(keys, [{ line, deliveredAt: at }])
      await assert.rejects(
        deliverPracticeKey(
          root,
          'fooisd.org',
          '-----BEGIN OPENSSH PRIVATE KEY-----',
        ),
        { code: 'INVALID_KEY' },
      )
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
