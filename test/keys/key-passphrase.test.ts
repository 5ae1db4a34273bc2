import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { AppError } from '../../shared/errors'
import { DistrictStore } from '../../main/services/district-store'
import {
  generateKey,
  isKeyUsableUnattended,
  readPrivateKey,
} from '../../main/services/keys'
import { tempDir } from '../harness/cli'
import { keyToolsAvailable, run } from './key-tools'

const DOMAIN = 'fooisd.org'

describe('a generated key with a passphrase', () => {
  let home: string
  let store: DistrictStore

  before(async () => {
    home = tempDir('sg-pass')
    store = new DistrictStore(home)
    await store.add(DOMAIN, {})
    await store.add('plain.fooisd.org', {})
  })
  after(() => fs.rmSync(home, { recursive: true, force: true }))

  it('is stored encrypted and flagged, and refused for the unattended run', async () => {
    const view = await generateKey(store, DOMAIN, 'ed25519', {
      passphrase: 'district secret',
    })
    const district = await store.get(DOMAIN)

    assert.equal(view.encrypted, true)
    assert.equal(district.key?.encrypted, true)
    assert.equal(isKeyUsableUnattended(district), false)
    assert.equal(fs.statSync(view.privateKeyFile).mode & 0o777, 0o600)

    if (keyToolsAvailable()) {
      const derived = run('ssh-keygen', [
        '-y',
        '-P',
        'district secret',
        '-f',
        view.privateKeyFile,
      ])
      assert.equal(derived.trim(), view.publicKey)
      assert.throws(() =>
        run('ssh-keygen', ['-y', '-P', '', '-f', view.privateKeyFile]),
      )
    }
  })

  it('unlocks in memory only with the right passphrase', async () => {
    const district = await store.get(DOMAIN)
    const unlocked = await readPrivateKey(
      store,
      district,
      'current',
      'district secret',
    )
    assert.match(unlocked, /^-----BEGIN OPENSSH PRIVATE KEY-----/)

    for (const [passphrase, code] of [
      [undefined, 'KEY_PASSPHRASE_NEEDED'],
      ['guess', 'KEY_PASSPHRASE_INCORRECT'],
    ] as const) {
      const error = await readPrivateKey(
        store,
        district,
        'current',
        passphrase,
      ).then(
        () => assert.fail('unlocked without the passphrase'),
        (caught: unknown) => caught,
      )
      assert.ok(error instanceof AppError)
      assert.equal(error.code, code)
    }
  })

  it('leaves the default unencrypted and usable unattended', async () => {
    await generateKey(store, 'plain.fooisd.org', 'ed25519')
    const district = await store.get('plain.fooisd.org')

    assert.equal(district.key?.encrypted, undefined)
    assert.equal(isKeyUsableUnattended(district), true)
    assert.equal(isKeyUsableUnattended({ ...district, key: undefined }), false)
  })
})
