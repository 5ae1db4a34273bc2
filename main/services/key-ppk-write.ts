import crypto from 'node:crypto'
import { macOf } from './key-ppk'
import { mpint, sshString } from './key-ssh-wire'

/**
 * Writes PuTTY `.ppk` files for technicians who also use PuTTY or WinSCP.
 * No maintained library writes private .ppk files; the tests read every
 * file written here back with puttygen.
 */

/** Writes a Node private key as an unencrypted .ppk file (version 2 or 3). */
export function writePpk(
  key: crypto.KeyObject,
  comment: string,
  version: 2 | 3 = 2,
): string {
  const jwk = key.export({ format: 'jwk' })
  const field = (name: keyof typeof jwk) =>
    Buffer.from(String(jwk[name] ?? ''), 'base64url')

  const rsa = key.asymmetricKeyType === 'rsa'
  const algorithm = rsa ? 'ssh-rsa' : 'ssh-ed25519'
  const publicBlob = rsa
    ? Buffer.concat([
        sshString(Buffer.from(algorithm)),
        mpint(field('e')),
        mpint(field('n')),
      ])
    : Buffer.concat([sshString(Buffer.from(algorithm)), sshString(field('x'))])
  const privateBlob = rsa
    ? Buffer.concat([
        mpint(field('d')),
        mpint(field('p')),
        mpint(field('q')),
        mpint(field('qi')),
      ])
    : sshString(field('d'))

  const macKey =
    version === 2
      ? crypto
          .createHash('sha1')
          .update('putty-private-key-file-mac-key')
          .digest()
      : Buffer.alloc(0)
  const mac = macOf(
    version,
    algorithm,
    'none',
    comment,
    publicBlob,
    privateBlob,
    macKey,
  )
  const lines = (blob: Buffer) =>
    blob.toString('base64').match(/.{1,64}/g) ?? []

  return [
    `PuTTY-User-Key-File-${version}: ${algorithm}`,
    'Encryption: none',
    `Comment: ${comment}`,
    `Public-Lines: ${lines(publicBlob).length}`,
    ...lines(publicBlob),
    `Private-Lines: ${lines(privateBlob).length}`,
    ...lines(privateBlob),
    `Private-MAC: ${mac.toString('hex')}`,
    '',
  ].join('\n')
}
