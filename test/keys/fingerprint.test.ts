import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import sshpk from 'sshpk'
import { fingerprintMatches, parseFingerprint } from '../../shared/fingerprint'
import { keyFingerprints } from '../../main/services/keys'
import { tempDir } from '../harness/cli'
import { KeyFixtures, keyToolsAvailable, run } from './key-tools'

describe(
  'fingerprints',
  { skip: !keyToolsAvailable() && 'needs ssh-keygen' },
  () => {
    let fx: KeyFixtures
    let sha256: string
    let md5: string
    let keyPrints: { sha256: string; md5: string }

    before(() => {
      fx = new KeyFixtures(tempDir('sg-fp'))
      fx.sshKeygen('ed', 'ed25519')
      const file = fx.file('ed.pub')
      sha256 =
        run('ssh-keygen', ['-l', '-E', 'sha256', '-f', file]).split(' ')[1] ??
        ''
      md5 =
        run('ssh-keygen', ['-l', '-E', 'md5', '-f', file]).split(' ')[1] ?? ''
      keyPrints = keyFingerprints(sshpk.parseKey(fx.text('ed.pub'), 'ssh'))
    })
    after(() => fs.rmSync(fx.dir, { recursive: true, force: true }))

    it('shows SHA256 and MD5 exactly as ssh-keygen -l prints them', () => {
      assert.equal(keyPrints.sha256, sha256)
      assert.equal(keyPrints.md5, md5)
      assert.match(sha256, /^SHA256:[A-Za-z0-9+/]{43}$/)
    })

    it('accepts every usual typed form of the SHA256 fingerprint', () => {
      const body = sha256.slice('SHA256:'.length)
      const hex = Buffer.from(body, 'base64').toString('hex')
      const forms = [
        sha256,
        `  ${sha256}  `,
        `sha256:${body}`,
        body,
        `${body}=`,
        hex,
        hex.toUpperCase(),
        hex.match(/../g)?.join(':') ?? '',
        `SHA256:${hex}`,
      ]
      for (const form of forms) {
        assert.ok(fingerprintMatches(form, keyPrints), form)
      }
    })

    it('accepts every usual typed form of the MD5 fingerprint', () => {
      const hex = md5.slice('MD5:'.length)
      const forms = [
        md5,
        hex,
        hex.toUpperCase(),
        hex.replace(/:/g, ''),
        `md5:${hex.toUpperCase()}`,
      ]
      for (const form of forms) {
        assert.ok(fingerprintMatches(form, keyPrints), form)
      }
    })

    it('refuses other keys and text that is no fingerprint', () => {
      fx.sshKeygen('other', 'ed25519')
      const other = sshpk.parseKey(fx.text('other.pub'), 'ssh')
      const otherPrints = keyFingerprints(other)

      assert.equal(fingerprintMatches(otherPrints.sha256, keyPrints), false)
      assert.equal(fingerprintMatches(otherPrints.md5, keyPrints), false)
      assert.equal(parseFingerprint('not a fingerprint'), undefined)
      assert.equal(parseFingerprint(`MD5:${sha256.slice(7)}`), undefined)
      assert.equal(parseFingerprint(''), undefined)
    })
  },
)
