import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runCliProcess, tempDir } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'

const DOMAIN = 'trustisd.org'

describe(
  'trusting the host key deliberately',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string
    let publicKey: string
    const cli = (...args: string[]) => runCliProcess(home, [...args, '--json'])
    const pinned = async () =>
      (
        (await cli('district', 'show', DOMAIN)).json['district'] as {
          hostKey?: { sha256: string }
        }
      ).hostKey?.sha256

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-trust')
      await cli(
        'district',
        'add',
        DOMAIN,
        '--host',
        '127.0.0.1',
        '--port',
        String(server.port),
      )
      const key = await cli('key', 'generate', DOMAIN, '--type', 'ed25519')
      publicKey = String(key.json['publicKey'])
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('keeps a first-use trust when the key is not installed yet', async () => {
      const refused = await cli('check', DOMAIN, '--trust-on-first-use')
      assert.equal(refused.code, 5)
      assert.equal(await pinned(), server.hostKeySha256())

      const again = await cli('check', DOMAIN)
      assert.equal(
        again.code,
        5,
        'asks about the login, not the host key again',
      )
      assert.equal(again.json['code'], 'AUTH_REFUSED')

      // The fleet shows this as the district's connection state.
      const recorded = JSON.parse(
        fs.readFileSync(
          path.join(home, 'districts', DOMAIN, 'connection.json'),
          'utf8',
        ),
      ) as { ok: boolean; code?: string; via: string }
      assert.deepEqual(
        [recorded.ok, recorded.code, recorded.via],
        [false, 'AUTH_REFUSED', 'check'],
      )
    })

    it('warns when a typed fingerprint is not the server\u2019s', async () => {
      server.authorize(DOMAIN, publicKey)
      const wrong = 'SHA256:' + 'A'.repeat(43)
      const result = await cli('check', DOMAIN, '--trust-host-key', wrong)
      assert.equal(result.code, 0)
      const warnings = result.json['warnings'] as string[]
      assert.match(warnings[0] ?? '', /not this server/)
      assert.equal(await pinned(), server.hostKeySha256())
    })

    it('says a changed key replaced the old pin when accepted', async () => {
      const old = server.hostKeySha256()
      await server.regenerateHostKey()
      const changed = await cli('check', DOMAIN)
      assert.equal(changed.code, 4)

      const fresh = server.hostKeySha256()
      const plain = await runCliProcess(home, [
        'check',
        DOMAIN,
        '--trust-host-key',
        fresh,
      ])
      assert.equal(plain.code, 0, plain.stderr)
      assert.match(
        plain.stdout,
        new RegExp(
          `replaces the previously pinned key ${old.replace(/[+/]/g, '\\$&')}`,
        ),
      )
      assert.equal(await pinned(), fresh)
    })
  },
)
