import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ssh2 from 'ssh2'
import sshpk from 'sshpk'
import { newKeypair, publicLine, type KeyType } from '../../main/services/keys'

/**
 * K4: keys made through the product's own generation path, in the forms it
 * stores them (OpenSSH private text, one-line public key), always parse in
 * ssh2 and sshpk. A larger run belongs in a benchmark script, not here.
 */

const ED25519_KEYS = 2000
const RSA_KEYS = 12
const NOW = new Date('2026-01-15T12:00:00Z')

interface Checked {
  readonly publicBytes: Buffer
}

async function checkOne(type: KeyType): Promise<Checked> {
  const key = await newKeypair(type, 'fooisd.org', NOW)
  const privateText = key.toString('openssh')
  const line = publicLine(key)

  const parsedPrivate = ssh2.utils.parseKey(privateText)
  assert.ok(!(parsedPrivate instanceof Error), `ssh2: ${String(parsedPrivate)}`)
  const parsedPublic = ssh2.utils.parseKey(line)
  assert.ok(!(parsedPublic instanceof Error), `ssh2: ${String(parsedPublic)}`)

  const reread = sshpk.parsePrivateKey(privateText, 'openssh')
  const rereadPublic = sshpk.parseKey(line, 'ssh')
  assert.equal(
    reread.fingerprint('sha256').toString(),
    rereadPublic.fingerprint('sha256').toString(),
  )
  assert.equal(rereadPublic.comment, 'fooisd.org 2026-01-15')

  // The public blob's last field: the Ed25519 point, or the RSA modulus.
  const fields: Buffer[] = []
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64')
  for (let at = 0; at < blob.length;) {
    const length = blob.readUInt32BE(at)
    fields.push(blob.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return { publicBytes: fields.at(-1) ?? Buffer.alloc(0) }
}

describe('K4: keys from the product\u2019s own generation path', () => {
  it(`${ED25519_KEYS} Ed25519 keys all parse, with 32-byte public keys, leading zeros kept`, async () => {
    let leadingZero = 0
    for (let i = 0; i < ED25519_KEYS || leadingZero === 0; i++) {
      assert.ok(i < 50_000, 'no key with a leading zero byte appeared')
      const { publicBytes } = await checkOne('ed25519')

      assert.equal(publicBytes.length, 32)
      if (publicBytes[0] === 0) leadingZero++
    }
    assert.ok(leadingZero > 0)
  })

  it(`${RSA_KEYS} RSA 4096 keys all parse`, async () => {
    for (let i = 0; i < RSA_KEYS; i++) {
      const { publicBytes } = await checkOne('rsa')
      // The modulus as an SSH mpint: 4096 bits plus a leading zero byte.
      assert.equal(publicBytes.length, 513)
    }
  })
})
