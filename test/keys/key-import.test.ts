import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import ssh2 from 'ssh2'
import sshpk from 'sshpk'
import { AppError } from '../../shared/errors'
import { DistrictStore } from '../../main/services/district-store'
import { toNodeKey } from '../../main/services/key-convert'
import { importKey, parsePrivateKeyText } from '../../main/services/key-import'
import { tempDir } from '../harness/cli'
import {
  KeyFixtures,
  PASS,
  WRONG,
  keyToolsAvailable,
  run,
  runBinary,
  sshKeygenPublic,
  sshKeygenSha256,
  sshKeygenSha256OfPrivate,
} from './key-tools'

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => assert.fail('the key was accepted'),
    (caught: unknown) => caught,
  )
  assert.ok(error instanceof AppError, String(error))
  assert.equal(error.exitCode, 2, `${error.code} must exit with 2`)
  return error
}

async function importedSha256(text: string, passphrase?: string) {
  const parsed = await parsePrivateKeyText(text, passphrase)
  return parsed.key.fingerprint('sha256').toString()
}

describe(
  'key import',
  { skip: !keyToolsAvailable() && 'needs ssh-keygen, openssl, puttygen' },
  () => {
    let fx: KeyFixtures
    let store: DistrictStore
    let home: string

    before(async () => {
      fx = new KeyFixtures(tempDir('sg-keys'))
      home = tempDir('sg-home')
      store = new DistrictStore(home)
      fx.sshKeygen('rsa', 'rsa', { bits: 2048, comment: 'rsa fixture' })
      fx.sshKeygen('ed', 'ed25519')
    })
    after(() => {
      fs.rmSync(fx.dir, { recursive: true, force: true })
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('K1: PuTTY v2 and v3 files, plain and with a passphrase, keep the ssh-keygen fingerprint', async () => {
      for (const source of ['rsa', 'ed']) {
        const expected = sshKeygenSha256(fx.file(`${source}.pub`))
        for (const version of [2, 3] as const) {
          const plain = fx.puttygen(
            `${source}-v${version}.ppk`,
            fx.file(source),
            version,
          )
          const locked = fx.puttygen(
            `${source}-v${version}-enc.ppk`,
            fx.file(source),
            version,
            PASS,
          )

          assert.equal(
            await importedSha256(fx.text(`${source}-v${version}.ppk`)),
            expected,
            plain,
          )
          assert.equal(
            await importedSha256(
              fx.text(`${source}-v${version}-enc.ppk`),
              PASS,
            ),
            expected,
            locked,
          )
          const wrong = await refusal(
            parsePrivateKeyText(
              fx.text(`${source}-v${version}-enc.ppk`),
              WRONG,
            ),
          )
          assert.equal(wrong.code, 'KEY_PASSPHRASE_INCORRECT')
          assert.match(wrong.message, /incorrect passphrase/i)
          const missing = await refusal(
            parsePrivateKeyText(fx.text(`${source}-v${version}-enc.ppk`)),
          )
          assert.equal(missing.code, 'KEY_PASSPHRASE_NEEDED')
        }
      }
    })

    it('K2: an imported OpenSSH RSA key is stored so ssh-keygen -y prints the original public key', async () => {
      await store.add('k2.fooisd.org', {})
      const view = await importKey(store, 'k2.fooisd.org', fx.text('rsa'))

      const original = fx.text('rsa.pub').trim()
      assert.equal(sshKeygenPublic(view.privateKeyFile), original)
      assert.equal(view.publicKey, original)
      assert.equal(fs.statSync(view.privateKeyFile).mode & 0o777, 0o600)

      const stored = fs.readFileSync(view.privateKeyFile, 'utf8')
      assert.match(stored, /^-----BEGIN OPENSSH PRIVATE KEY-----/)
      assert.ok(!(ssh2.utils.parseKey(stored) instanceof Error))

      // Node's crypto reads no OpenSSH text; the product's conversion must
      // hand it a key that signs what the original public key verifies.
      const nodeKey = toNodeKey(sshpk.parsePrivateKey(stored, 'openssh'))
      const data = Buffer.from('nightly upload')
      const signature = crypto.sign('sha256', data, nodeKey)
      const originalPem = sshpk
        .parseKey(fx.text('rsa.pub'), 'ssh')
        .toString('pkcs8')
      assert.ok(crypto.verify('sha256', data, originalPem, signature))
    })

    it('K3: an Ed25519 PKCS#8 key imports with the same fingerprint and is stored as OpenSSH', async () => {
      fx.openssl('ed-pkcs8.pem', ['genpkey', '-algorithm', 'ed25519'])
      const pem = fx.text('ed-pkcs8.pem')
      // OpenSSH 9.2 cannot read this form, so the fingerprint is computed
      // from the raw public key OpenSSL writes.
      const der = runBinary('openssl', [
        'pkey',
        '-in',
        fx.file('ed-pkcs8.pem'),
        '-pubout',
        '-outform',
        'DER',
      ])
      const expected = ed25519Sha256(der.subarray(-32))

      await store.add('k3.fooisd.org', {})
      const view = await importKey(store, 'k3.fooisd.org', pem)
      assert.equal(view.sha256, expected)
      assert.equal(view.type, 'ed25519')
      assert.equal(view.importedFrom, 'pkcs8')

      const stored = fs.readFileSync(view.privateKeyFile, 'utf8')
      assert.match(stored, /^-----BEGIN OPENSSH PRIVATE KEY-----/)
      assert.equal(sshKeygenSha256(view.privateKeyFile), expected)
      assert.equal(
        Buffer.from(view.publicKey.split(' ')[1] ?? '', 'base64').length,
        51,
      )
    })

    it('K5: OpenSSL and ssh-keygen encrypted keys import with the right passphrase only', async () => {
      const rsaPub = sshKeygenSha256(fx.file('rsa.pub'))
      fx.openssl('genrsa-aes.pem', [
        'genrsa',
        '-aes256',
        '-passout',
        `pass:${PASS}`,
        '2048',
      ])
      fx.openssl('pkcs1-aes.pem', [
        'genrsa',
        '-traditional',
        '-aes256',
        '-passout',
        `pass:${PASS}`,
        '2048',
      ])
      fx.openssl('pkcs8-aes.pem', [
        'pkcs8',
        '-topk8',
        '-in',
        fx.file('genrsa-aes.pem'),
        '-passin',
        `pass:${PASS}`,
        '-v2',
        'aes-256-cbc',
        '-passout',
        `pass:${PASS}`,
      ])
      fx.openssl('ed-pkcs8-aes.pem', [
        'pkcs8',
        '-topk8',
        '-in',
        fx.file('ed-pkcs8.pem'),
        '-v2',
        'aes-256-cbc',
        '-passout',
        `pass:${PASS}`,
      ])
      fs.copyFileSync(fx.file('rsa'), fx.file('rsa-bcrypt'))
      fs.chmodSync(fx.file('rsa-bcrypt'), 0o600)
      run('ssh-keygen', ['-q', '-p', '-N', PASS, '-f', fx.file('rsa-bcrypt')])

      for (const name of ['genrsa-aes.pem', 'pkcs1-aes.pem', 'pkcs8-aes.pem']) {
        const text = fx.text(name)
        const expected = sshKeygenSha256OfPrivate(fx.file(name), PASS)
        assert.equal(await importedSha256(text, PASS), expected, name)
        const wrong = await refusal(parsePrivateKeyText(text, WRONG))
        assert.equal(wrong.code, 'KEY_PASSPHRASE_INCORRECT', name)
        assert.doesNotMatch(
          wrong.message,
          /error:|routines/,
          'library text stays in details',
        )
      }

      const edPlain = await importedSha256(fx.text('ed-pkcs8.pem'))
      const edText = fx.text('ed-pkcs8-aes.pem')
      assert.equal(await importedSha256(edText, PASS), edPlain)
      const edWrong = await refusal(parsePrivateKeyText(edText, WRONG))
      assert.equal(edWrong.code, 'KEY_PASSPHRASE_INCORRECT')

      assert.equal(await importedSha256(fx.text('rsa-bcrypt'), PASS), rsaPub)
      const wrong = await refusal(
        parsePrivateKeyText(fx.text('rsa-bcrypt'), WRONG),
      )
      assert.equal(wrong.code, 'KEY_PASSPHRASE_INCORRECT')
      assert.equal(wrong.message.includes('Failed to parse'), false)
    })

    it('K5: an OpenSSH key with a cipher this program cannot read is refused with how to re-export', async () => {
      fx.sshKeygen('ed-chacha', 'ed25519', {
        passphrase: PASS,
        cipher: 'chacha20-poly1305@openssh.com',
      })
      const error = await refusal(
        parsePrivateKeyText(fx.text('ed-chacha'), PASS),
      )

      assert.equal(error.code, 'KEY_CIPHER_UNSUPPORTED')
      assert.match(error.message, /chacha20-poly1305/)
      assert.match(error.message, /ssh-keygen -p/)
    })

    it('K5: a wrong passphrase that happens to pass the padding check is still called a wrong passphrase', async () => {
      fx.openssl('pkcs8-lucky.pem', [
        'genpkey',
        '-algorithm',
        'ed25519',
        '-aes-128-cbc',
        '-pass',
        `pass:${PASS}`,
      ])
      const text = fx.text('pkcs8-lucky.pem')
      // About one wrong passphrase in 256 decrypts to garbage with valid
      // padding; find one so this case is exercised on every run.
      let lucky: string | undefined
      for (let i = 0; i < 20_000 && !lucky; i++) {
        try {
          crypto.createPrivateKey({ key: text, passphrase: `wrong-${i}` })
        } catch (error) {
          if (/DECODER routines/.test(String(error))) lucky = `wrong-${i}`
        }
      }
      assert.ok(lucky, 'a passphrase that passes the padding check exists')

      const error = await refusal(parsePrivateKeyText(text, lucky))
      assert.equal(error.code, 'KEY_PASSPHRASE_INCORRECT')
    })

    it('K5: a PEM key under a legacy cipher OpenSSL no longer offers is refused with how to convert it', async (t) => {
      fx.openssl('legacy-source.pem', ['genpkey', '-algorithm', 'ed25519'])
      const made = spawnSync('openssl', [
        'pkcs8',
        '-topk8',
        '-in',
        fx.file('legacy-source.pem'),
        '-v2',
        'des-cbc',
        '-provider',
        'legacy',
        '-provider',
        'default',
        '-passout',
        `pass:${PASS}`,
        '-out',
        fx.file('pkcs8-des.pem'),
      ])
      if (made.status !== 0) {
        t.skip('this OpenSSL has no legacy provider to write a DES key')
        return
      }
      const error = await refusal(
        parsePrivateKeyText(fx.text('pkcs8-des.pem'), PASS),
      )
      assert.equal(error.code, 'KEY_CIPHER_UNSUPPORTED')
      assert.match(error.message, /openssl pkey/)
    })

    it('K6: a comment with spaces and non-ASCII text is kept, and the fingerprint ignores it', async () => {
      const comment = 'Jürgen Müller – Foo ISD key №2'
      fx.sshKeygen('ed-named', 'ed25519', { comment })
      const base = fx.text('ed-named')

      await store.add('k6.fooisd.org', {})
      const view = await importKey(store, 'k6.fooisd.org', base)
      assert.equal(view.comment, comment)
      assert.equal(view.publicKey, fx.text('ed-named.pub').trim())
      assert.equal(view.sha256, sshKeygenSha256(fx.file('ed-named.pub')))

      run('ssh-keygen', [
        '-q',
        '-c',
        '-C',
        'other words',
        '-f',
        fx.file('ed-named'),
      ])
      assert.equal(await importedSha256(fx.text('ed-named')), view.sha256)
    })

    it('tolerates CRLF line ends, a byte-order mark, blank lines and stray spaces', async () => {
      const expected = sshKeygenSha256(fx.file('rsa.pub'))
      const lines = fx.text('rsa').split('\n')
      const mangled = `\uFEFF\r\n  ${lines.map((line) => `${line}  `).join('\r\n\r\n')}\r\n\r\n`
      assert.equal(await importedSha256(mangled), expected)

      const ppk = fx.text('rsa-v2.ppk').replace(/\n/g, '\r\n')
      assert.equal(await importedSha256(`\uFEFF${ppk}\r\n`), expected)

      fx.openssl('pkcs1-plain.pem', ['genrsa', '-traditional', '2048'])
      const pem = fx.text('pkcs1-plain.pem').replace(/\n/g, '\r\n   ')
      assert.ok(await importedSha256(pem))
    })

    it('refuses a public key, DSA, RSA 1024 and text that is no key, each with its reason', async () => {
      const pub = await refusal(parsePrivateKeyText(fx.text('rsa.pub')))
      assert.equal(pub.code, 'KEY_IS_PUBLIC')
      assert.match(pub.message, /public key/)

      const dsaFile = makeDsa(fx)
      const dsa = await refusal(
        parsePrivateKeyText(fs.readFileSync(dsaFile, 'utf8')),
      )
      assert.equal(dsa.code, 'KEY_TYPE_UNSUPPORTED')
      assert.match(dsa.message, /DSA/)

      fx.openssl('rsa1024.pem', ['genrsa', '1024'])
      const short = await refusal(parsePrivateKeyText(fx.text('rsa1024.pem')))
      assert.equal(short.code, 'KEY_TYPE_UNSUPPORTED')
      assert.match(short.message, /1024 bits/)

      const junk = await refusal(
        parsePrivateKeyText('hello, this is not a key'),
      )
      assert.equal(junk.code, 'INVALID_KEY')

      const cut = fx.text('rsa').split('\n').slice(0, 8).join('\n')
      assert.equal(
        (await refusal(parsePrivateKeyText(cut))).code,
        'INVALID_KEY',
      )

      // Two keys pasted together: which one SameGoal has is not guessed.
      const two = await refusal(
        parsePrivateKeyText(`${fx.text('rsa')}\n${fx.text('rsa')}`),
      )
      assert.equal(two.code, 'INVALID_KEY')
      assert.match(two.message, /2 private keys/)
    })

    it('refuses a damaged PuTTY file instead of importing a wrong key', async () => {
      const text = fx.text('ed-v3.ppk')
      const damaged = text.replace(
        /Private-MAC: (.)/,
        (_m, c: string) => `Private-MAC: ${c === '0' ? '1' : '0'}`,
      )
      const error = await refusal(parsePrivateKeyText(damaged))
      assert.equal(error.code, 'INVALID_KEY')
      assert.match(error.message, /damaged/)
    })
  },
)

function makeDsa(fx: KeyFixtures): string {
  try {
    return fx.sshKeygen('dsa', 'dsa')
  } catch {
    // OpenSSH builds without DSA support: make one with OpenSSL instead.
    fx.openssl('dsa-params.pem', ['dsaparam', '2048'])
    return fx.openssl('dsa.pem', ['gendsa', fx.file('dsa-params.pem')])
  }
}

function ed25519Sha256(point: Buffer): string {
  const blob = Buffer.concat([
    Buffer.from([0, 0, 0, 11]),
    Buffer.from('ssh-ed25519'),
    Buffer.from([0, 0, 0, 32]),
    point,
  ])
  const digest = crypto.createHash('sha256').update(blob).digest('base64')
  return `SHA256:${digest.replace(/=+$/, '')}`
}
