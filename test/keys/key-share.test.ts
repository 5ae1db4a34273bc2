import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import { DistrictStore } from '../../main/services/district-store'
import {
  SAMEGOAL_SUPPORT,
  markKeyShared,
  readKeyState,
  writeKeyEmail,
} from '../../main/services/key-email'
import { exportPpk, exportPublicKey } from '../../main/services/key-export'
import { importKey } from '../../main/services/key-import'
import { generateKey } from '../../main/services/keys'
import { tempDir } from '../harness/cli'
import { KeyFixtures, keyToolsAvailable, puttygenSha256 } from './key-tools'

const DOMAIN = 'fooisd.org'

describe(
  'sharing and exporting the key',
  { skip: !keyToolsAvailable() && 'needs puttygen' },
  () => {
    let home: string
    let store: DistrictStore
    let fx: KeyFixtures

    before(async () => {
      home = tempDir('sg-share')
      fx = new KeyFixtures(tempDir('sg-share-out'))
      store = new DistrictStore(home)
      await store.add(DOMAIN, { name: 'Foo Independent School District' })
    })
    after(() => {
      fs.rmSync(home, { recursive: true, force: true })
      fs.rmSync(fx.dir, { recursive: true, force: true })
    })

    it('writes an unsent email draft that parses as MIME with the .pub attached byte for byte', async () => {
      const view = await generateKey(store, DOMAIN, 'ed25519')
      const draft = await writeKeyEmail(store, DOMAIN, fx.file('draft.eml'))
      const mail = await simpleParser(fs.readFileSync(draft.file))

      assert.equal(mail.headers.get('x-unsent'), '1')
      assert.deepEqual(
        mail.to && !Array.isArray(mail.to)
          ? mail.to.value.map((a) => a.address)
          : [],
        [SAMEGOAL_SUPPORT],
      )
      assert.match(mail.subject ?? '', /Foo Independent School District/)
      assert.match(mail.subject ?? '', /fooisd\.org/)
      for (const fact of [
        'Foo Independent School District',
        DOMAIN,
        'Ed25519',
        view.sha256,
      ]) {
        assert.ok(mail.text?.includes(fact), `body names ${fact}`)
      }

      assert.equal(mail.attachments.length, 1)
      const [attachment] = mail.attachments
      assert.equal(attachment?.filename, `${DOMAIN}.pub`)
      assert.deepEqual(attachment?.content, fs.readFileSync(view.publicKeyFile))
    })

    it('records the share, and the mailto: fallback carries the key', async () => {
      const district = await store.get(DOMAIN)
      const state = readKeyState(store, district)

      assert.equal(state.shared?.route, 'email')
      assert.equal(state.shared?.sha256, state.toShare?.sha256)
      const mailto = new URL(state.mailto ?? '')
      assert.equal(mailto.protocol, 'mailto:')
      assert.equal(mailto.pathname, SAMEGOAL_SUPPORT)
      assert.ok(
        decodeURIComponent(mailto.search).includes(
          state.toShare?.publicKey ?? '?',
        ),
      )

      const installed = await markKeyShared(store, DOMAIN, 'web', true)
      assert.ok(installed.shared?.installedAt)
      assert.equal(
        installed.shared?.route,
        'email',
        'the route it went by is kept',
      )
    })

    it('exports a .ppk that puttygen reads with the same fingerprint, v2 and v3', async () => {
      for (const version of [2, 3] as const) {
        const done = await exportPpk(
          store,
          DOMAIN,
          fx.file(`k${version}.ppk`),
          { version },
        )
        assert.equal(puttygenSha256(done.file), done.sha256)
        assert.equal(fs.statSync(done.file).mode & 0o777, 0o600)
      }

      fx.sshKeygen('rsa', 'rsa', { bits: 2048 })
      await store.add('rsa.fooisd.org', {})
      const rsa = await importKey(store, 'rsa.fooisd.org', fx.text('rsa'))
      const done = await exportPpk(store, 'rsa.fooisd.org', fx.file('rsa.ppk'))
      assert.equal(puttygenSha256(done.file), rsa.sha256)
    })

    it('saves the .pub file of the key SameGoal still needs', async () => {
      const pending = await generateKey(store, DOMAIN, 'ed25519')
      assert.equal(pending.role, 'pending')

      const done = await exportPublicKey(store, DOMAIN, fx.file('saved.pub'))
      assert.equal(fs.readFileSync(done.file, 'utf8'), `${pending.publicKey}\n`)
      assert.equal(done.sha256, pending.sha256)
      assert.equal(path.basename(pending.publicKeyFile), `${DOMAIN}.pub`)

      const state = readKeyState(store, await store.get(DOMAIN))
      assert.equal(state.shared, undefined, 'a new key has not been shared yet')
    })
  },
)
