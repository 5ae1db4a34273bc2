import crypto from 'node:crypto'
import sshpk from 'sshpk'

/**
 * Moves keys between sshpk (which reads and writes OpenSSH text) and
 * Node's crypto (which reads PEM and JWK). sshpk's PKCS#8 for Ed25519 is
 * not a form Node reads, so Ed25519 crosses as JWK.
 */

/** A Node private key holding the same key as the sshpk one. */
export function toNodeKey(key: sshpk.PrivateKey): crypto.KeyObject {
  if (key.type !== 'ed25519')
    return crypto.createPrivateKey(key.toString('pkcs8'))

  const parts = key.part as Partial<Record<string, sshpk.KeyPart>>
  const seed = parts['k']?.data.subarray(0, 32)
  const point = parts['A']?.data
  return crypto.createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(seed ?? []).toString('base64url'),
      x: Buffer.from(point ?? []).toString('base64url'),
    },
    format: 'jwk',
  })
}

/** An sshpk private key from a Node one; an empty comment stays empty. */
export function fromNodeKey(
  object: crypto.KeyObject,
  comment: string,
): sshpk.PrivateKey {
  const pem = object.export({ type: 'pkcs8', format: 'pem' }).toString()
  const key = sshpk.parsePrivateKey(pem, 'pkcs8')

  key.comment = comment
  return key
}
