import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { writeSampleExport } from '../../main/processor/sample-export'
import { DistrictStore } from '../../main/services/district-store'
import { generateKey } from '../../main/services/keys'
import { tempDir } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { cliWithInput } from './key-tools'

const DOMAIN = 'lockedkey.org'

describe(
  'a passphrase-protected key at the connection test',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-locked')
      const store = new DistrictStore(home)
      await store.add(DOMAIN, { host: '127.0.0.1', port: server.port })
      const view = await generateKey(store, DOMAIN, 'ed25519', {
        passphrase: 'district secret',
      })
      server.authorize(DOMAIN, view.publicKey)
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('asks for the passphrase instead of failing obscurely', async () => {
      const result = await cliWithInput(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])
      assert.equal(result.code, 2)
      assert.equal(result.json['code'], 'KEY_PASSPHRASE_NEEDED')
    })

    it('says a wrong passphrase is wrong, and sends nothing', async () => {
      const result = await cliWithInput(
        home,
        ['check', DOMAIN, '--trust-on-first-use', '--passphrase-stdin'],
        'guess\n',
      )
      assert.equal(result.code, 2)
      assert.equal(result.json['code'], 'KEY_PASSPHRASE_INCORRECT')
      assert.doesNotMatch(server.log(), /Accepted publickey/)
    })

    it('logs in with the right passphrase from standard input', async () => {
      const result = await cliWithInput(
        home,
        ['check', DOMAIN, '--trust-on-first-use', '--passphrase-stdin'],
        'district secret\n',
      )
      assert.equal(result.code, 0, result.stdout)
      assert.equal(result.json['hostKeyPinned'], 'new')
      assert.match(server.log(), /Accepted publickey/)
    })

    it('uploads by hand with the passphrase from standard input', async () => {
      const exportDir = tempDir('sg-locked-export')
      await writeSampleExport(exportDir, { records: 20 })
      await new DistrictStore(home).set(DOMAIN, { exportDir })

      const refused = await cliWithInput(home, ['upload', DOMAIN])
      assert.equal(refused.code, 2)
      assert.equal(refused.json['code'], 'KEY_PASSPHRASE_NEEDED')

      const sent = await cliWithInput(
        home,
        ['upload', DOMAIN, '--passphrase-stdin'],
        'district secret\n',
      )
      assert.equal(sent.code, 0, sent.stdout)
      const epoch = String(sent.json['epoch'])
      const dir = path.join(server.accountRoot(DOMAIN), 'upload', epoch)
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        'COMPLETE',
        'TxEISStudent_015907.txt',
      ])
      fs.rmSync(exportDir, { recursive: true, force: true })
    })
  },
)
