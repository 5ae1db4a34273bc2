import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import { tempDir } from '../harness/cli'
import {
  KeyFixtures,
  PASS,
  WRONG,
  cliWithInput,
  keyToolsAvailable,
  puttygenSha256,
  sshKeygenSha256,
} from './key-tools'

const DOMAIN = 'fooisd.org'

describe(
  'key commands',
  { skip: !keyToolsAvailable() && 'needs ssh-keygen, openssl, puttygen' },
  () => {
    let home: string
    let fx: KeyFixtures
    const cli = (args: string[], input = '') => cliWithInput(home, args, input)

    before(async () => {
      home = tempDir('sg-keycli')
      fx = new KeyFixtures(tempDir('sg-keycli-files'))
      const added = await cli(['district', 'add', DOMAIN, '--name', 'Foo ISD'])
      assert.equal(added.code, 0, added.stdout)
      fx.sshKeygen('ed', 'ed25519', { comment: 'old vendor key' })
      fx.puttygen('ed.ppk', fx.file('ed'), 3, PASS)
    })
    after(() => {
      fs.rmSync(home, { recursive: true, force: true })
      fs.rmSync(fx.dir, { recursive: true, force: true })
    })

    it('imports an encrypted .ppk with --passphrase-stdin, refusing a wrong one with exit code 2', async () => {
      const missing = await cli(['key', 'import', DOMAIN, fx.file('ed.ppk')])
      assert.equal(missing.code, 2)
      assert.equal(missing.json['code'], 'KEY_PASSPHRASE_NEEDED')

      const wrong = await cli(
        ['key', 'import', DOMAIN, fx.file('ed.ppk'), '--passphrase-stdin'],
        `${WRONG}\n`,
      )
      assert.equal(wrong.code, 2)
      assert.equal(wrong.json['code'], 'KEY_PASSPHRASE_INCORRECT')
      assert.match(String(wrong.json['message']), /incorrect passphrase/i)

      const right = await cli(
        ['key', 'import', DOMAIN, fx.file('ed.ppk'), '--passphrase-stdin'],
        `${PASS}\n`,
      )
      assert.equal(right.code, 0, right.stdout)
      assert.equal(right.json['sha256'], sshKeygenSha256(fx.file('ed.pub')))
      assert.equal(right.json['importedFrom'], 'ppk-v3-encrypted')
      assert.equal(right.json['comment'], 'old vendor key')
      assert.equal(right.json['role'], 'current')

      const again = await cli(['key', 'import', DOMAIN, fx.file('ed')])
      assert.equal(again.code, 0, again.stdout)
      assert.equal(again.json['role'], 'current', 'the same key is no new key')
    })

    it('refuses a public key, DSA and RSA 1024 with exit code 2', async () => {
      fx.openssl('rsa1024.pem', ['genrsa', '1024'])
      const cases: [string, string][] = [
        [fx.file('ed.pub'), 'KEY_IS_PUBLIC'],
        [fx.file('rsa1024.pem'), 'KEY_TYPE_UNSUPPORTED'],
        [fx.file('missing-file'), 'INVALID_KEY'],
        // A device never ends; it is refused before it is read.
        ['/dev/zero', 'INVALID_KEY'],
      ]
      try {
        cases.push([fx.sshKeygen('dsa', 'dsa'), 'KEY_TYPE_UNSUPPORTED'])
      } catch {
        // OpenSSH without DSA: the service test covers an OpenSSL DSA key.
      }
      for (const [file, code] of cases) {
        const result = await cli(['key', 'import', DOMAIN, file])
        assert.equal(result.code, 2, file)
        assert.equal(result.json['code'], code, file)
      }
    })

    it('a second key waits as pending; key show and key show --pending tell them apart', async () => {
      const first = await cli(['key', 'show', DOMAIN])
      const generated = await cli([
        'key',
        'generate',
        DOMAIN,
        '--type',
        'ed25519',
      ])
      assert.equal(generated.code, 0, generated.stdout)
      assert.equal(generated.json['role'], 'pending')

      const shown = await cli(['key', 'show', DOMAIN])
      assert.equal(shown.json['sha256'], first.json['sha256'])
      const pending = await cli(['key', 'show', DOMAIN, '--pending'])
      assert.equal(pending.json['sha256'], generated.json['sha256'])
      assert.equal(pending.json['role'], 'pending')

      const replaced = await cli([
        'key',
        'generate',
        DOMAIN,
        '--type',
        'ed25519',
        '--replace',
      ])
      assert.equal(replaced.code, 0)
      assert.equal(
        (await cli(['key', 'show', DOMAIN])).json['sha256'],
        first.json['sha256'],
      )
    })

    it('key show --pending without a waiting key exits 2', async () => {
      await cli(['district', 'add', 'new.fooisd.org'])
      await cli(['key', 'generate', 'new.fooisd.org', '--type', 'ed25519'])
      const result = await cli(['key', 'show', 'new.fooisd.org', '--pending'])
      assert.equal(result.code, 2)
      assert.equal(result.json['code'], 'NO_PENDING_KEY')
    })

    it('exports .ppk and .pub, and writes the email draft with the .pub attached', async () => {
      const exported = await cli([
        'key',
        'export',
        DOMAIN,
        '--ppk',
        fx.file('out.ppk'),
        '--pub',
        fx.file('out.pub'),
      ])
      assert.equal(exported.code, 0, exported.stdout)
      assert.equal(puttygenSha256(fx.file('out.ppk')), exported.json['sha256'])

      const pending = await cli(['key', 'show', DOMAIN, '--pending'])
      assert.equal(
        fs.readFileSync(fx.file('out.pub'), 'utf8'),
        `${String(pending.json['publicKey'])}\n`,
      )

      const email = await cli([
        'key',
        'email',
        DOMAIN,
        '--out',
        fx.file('draft.eml'),
      ])
      assert.equal(email.code, 0, email.stdout)
      const mail = await simpleParser(fs.readFileSync(fx.file('draft.eml')))
      assert.equal(mail.headers.get('x-unsent'), '1')
      assert.match(mail.subject ?? '', /Foo ISD.*fooisd\.org/)
      assert.deepEqual(
        mail.attachments[0]?.content,
        fs.readFileSync(fx.file('out.pub')),
      )

      const usage = await cli(['key', 'export', DOMAIN])
      assert.equal(usage.code, 2)
    })
  },
)
