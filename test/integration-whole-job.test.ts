import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { processAccount } from '../main/processor/samegoal-processor'
import { writeSampleExport } from '../main/processor/sample-export'
import { runCliProcess, tempDir } from './harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from './harness/openssh-server'

const DOMAIN = 'fooisd.org'

describe(
  'the whole nightly job against OpenSSH',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string
    let exportDir: string
    const cli = (...args: string[]) => runCliProcess(home, [...args, '--json'])

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-home')
      exportDir = tempDir('sg-export')
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
      fs.rmSync(exportDir, { recursive: true, force: true })
    })

    it('sets up a district, uploads an epoch and sees it processed', async () => {
      const added = await cli(
        'district',
        'add',
        DOMAIN,
        '--name',
        'Foo ISD',
        '--cdn',
        '015907',
        '--host',
        '127.0.0.1',
        '--port',
        String(server.port),
        '--export-dir',
        exportDir,
      )
      assert.equal(added.code, 0, added.stdout)

      const key = await cli('key', 'generate', DOMAIN)
      assert.equal(key.code, 0, key.stdout)
      assert.equal(key.json['type'], 'rsa')
      assert.equal(key.json['bits'], 4096)
      server.authorize(DOMAIN, String(key.json['publicKey']))

      const untrusted = await cli('check', DOMAIN)
      assert.equal(untrusted.code, 4)
      assert.equal(untrusted.json['code'], 'HOST_KEY_UNTRUSTED')
      const offered = untrusted.json['serverKey'] as { sha256: string }
      assert.equal(offered.sha256, server.hostKeySha256())

      const checked = await cli('check', DOMAIN, '--trust-on-first-use')
      assert.equal(checked.code, 0, checked.stdout)
      assert.equal(checked.json['hostKeyPinned'], 'new')

      const exportFile = await writeSampleExport(exportDir, {
        records: 3000,
        countyDistrict: '015907',
      })
      const sent = fs.readFileSync(exportFile)
      assert.ok(sent.includes('\r\n'))

      const upload = await cli('upload', DOMAIN)
      assert.equal(upload.code, 0, upload.stdout)
      const epoch = String(upload.json['epoch'])
      assert.match(epoch, /^\d{8}-\d{6}$/)

      // The server's own files, not only what the product says.
      const epochDir = path.join(server.accountRoot(DOMAIN), 'upload', epoch)
      assert.deepEqual(fs.readdirSync(epochDir).sort(), [
        'COMPLETE',
        'TxEISStudent_015907.txt',
      ])
      assert.ok(
        fs
          .readFileSync(path.join(epochDir, 'TxEISStudent_015907.txt'))
          .equals(sent),
      )
      assert.equal(fs.statSync(path.join(epochDir, 'COMPLETE')).size, 0)

      const pending = await cli('status', DOMAIN)
      assert.equal(pending.code, 0)
      assert.equal(
        (pending.json['latest'] as { state: string }).state,
        'pending',
      )

      const results = await processAccount(server.accountRoot(DOMAIN))
      assert.deepEqual(
        results.map((r) => [r.epoch, r.outcome, r.students]),
        [[epoch, 'processed', 3000]],
      )

      const done = await cli('status', DOMAIN, '--wait', '30')
      assert.equal(done.code, 0, done.stdout)
      const latest = done.json['latest'] as {
        state: string
        location: string
        epoch: string
      }
      assert.equal(latest.epoch, epoch)
      assert.equal(latest.state, 'processed')
      assert.equal(latest.location, '/upload-processed')

      const second = await cli('check', DOMAIN)
      assert.equal(second.code, 0, 'a pinned key verifies silently')
      assert.equal(second.json['hostKeyPinned'], 'existing')
    })
  },
)
