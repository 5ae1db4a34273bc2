import crypto from 'node:crypto'
import { argon2d, argon2i, argon2id } from 'hash-wasm'
import { AppError } from '../../shared/errors'
import { SshReader, b64u, damaged, modulo, sshString } from './key-ssh-wire'

/**
 * PuTTY `.ppk` private key files, versions 2 and 3. No maintained library
 * reads version 3 with a passphrase (its key is derived with Argon2) or
 * checks the file's MAC, which is the only way to tell a wrong passphrase
 * from a damaged file, and none writes private `.ppk` files, so this module
 * does; the tests hold it against Debian's puttygen. Writing is in
 * key-ppk-write.ts.
 */

export interface PpkKey {
  readonly key: crypto.KeyObject
  readonly comment: string
  readonly version: 2 | 3
  readonly encrypted: boolean
}

interface PpkFields {
  readonly version: 2 | 3
  readonly algorithm: string
  readonly encryption: string
  readonly comment: string
  readonly publicBlob: Buffer
  readonly privateBlob: Buffer
  readonly mac: string
  readonly headers: ReadonlyMap<string, string>
}

/** Reads a .ppk file's text into a Node key, checking its MAC. */
export async function readPpk(
  text: string,
  passphrase?: string,
): Promise<PpkKey> {
  const ppk = parseFields(text)
  if (ppk.algorithm !== 'ssh-rsa' && ppk.algorithm !== 'ssh-ed25519') {
    throw new AppError(
      'KEY_TYPE_UNSUPPORTED',
      `This PuTTY key is of type ${ppk.algorithm}. SameGoal needs an RSA (2048 bits or more) or Ed25519 key; generate a new keypair instead.`,
    )
  }

  const encrypted = ppk.encryption !== 'none'
  if (encrypted && ppk.encryption !== 'aes256-cbc') {
    throw new AppError(
      'KEY_CIPHER_UNSUPPORTED',
      `This PuTTY key is encrypted with "${ppk.encryption}", which this program cannot read. In PuTTYgen, load the key and use Conversions > Export OpenSSH key, then import that file.`,
    )
  }
  if (encrypted && !passphrase) {
    throw new AppError(
      'KEY_PASSPHRASE_NEEDED',
      'This PuTTY key is protected by a passphrase. Enter the passphrase to import it.',
    )
  }

  const secrets = await deriveSecrets(ppk, encrypted ? (passphrase ?? '') : '')
  const privateBlob = encrypted
    ? decrypt(ppk.privateBlob, secrets)
    : ppk.privateBlob
  checkMac(ppk, privateBlob, secrets.macKey, encrypted)

  return {
    key: toKeyObject(ppk.algorithm, ppk.publicBlob, privateBlob),
    comment: ppk.comment,
    version: ppk.version,
    encrypted,
  }
}

function parseFields(text: string): PpkFields {
  const lines = text.split('\n').filter((line) => line.length > 0)
  const headers = new Map<string, string>()
  const blobs = new Map<string, Buffer>()
  let first: [string, string] | undefined

  for (let i = 0; i < lines.length; i++) {
    const match = /^([A-Za-z0-9-]+): *(.*)$/.exec(lines[i] ?? '')
    if (!match) throw damaged(`line ${i + 1} is not a "Name: value" line`)
    const name = (match[1] ?? '').toLowerCase()
    const value = match[2] ?? ''
    first ??= [name, value]

    if (name === 'public-lines' || name === 'private-lines') {
      const count = Number(value)
      if (!Number.isInteger(count) || count < 0 || i + count >= lines.length)
        throw damaged(`the ${name} count is wrong`)
      blobs.set(
        name,
        Buffer.from(lines.slice(i + 1, i + 1 + count).join(''), 'base64'),
      )
      i += count
    } else {
      headers.set(name, value)
    }
  }

  const version = Number(
    /^putty-user-key-file-(\d+)$/.exec(first?.[0] ?? '')?.[1],
  )
  if (version !== 2 && version !== 3) {
    throw new AppError(
      'INVALID_KEY',
      `This is a PuTTY key file of version ${version}, which this program does not know. In PuTTYgen, use Conversions > Export OpenSSH key and import that file.`,
    )
  }

  const publicBlob = blobs.get('public-lines')
  const privateBlob = blobs.get('private-lines')
  if (!publicBlob || !privateBlob) {
    throw new AppError(
      'KEY_IS_PUBLIC',
      'This PuTTY file holds only a public key. Import the .ppk file that holds the private key.',
    )
  }

  return {
    version,
    algorithm: first?.[1] ?? '',
    encryption: headers.get('encryption') ?? 'none',
    comment: headers.get('comment') ?? '',
    publicBlob,
    privateBlob,
    mac: (headers.get('private-mac') ?? '').toLowerCase(),
    headers,
  }
}

interface Secrets {
  readonly cipherKey: Buffer
  readonly iv: Buffer
  readonly macKey: Buffer
}

async function deriveSecrets(
  ppk: PpkFields,
  passphrase: string,
): Promise<Secrets> {
  const encrypted = ppk.encryption !== 'none'

  if (ppk.version === 2) {
    const sha1 = (...parts: Buffer[]) =>
      crypto.createHash('sha1').update(Buffer.concat(parts)).digest()
    const pass = Buffer.from(passphrase, 'utf8')
    return {
      cipherKey: Buffer.concat([
        sha1(Buffer.from([0, 0, 0, 0]), pass),
        sha1(Buffer.from([0, 0, 0, 1]), pass),
      ]).subarray(0, 32),
      iv: Buffer.alloc(16),
      macKey: sha1(Buffer.from('putty-private-key-file-mac-key'), pass),
    }
  }

  if (!encrypted) {
    return {
      cipherKey: Buffer.alloc(0),
      iv: Buffer.alloc(0),
      macKey: Buffer.alloc(0),
    }
  }
  const out = Buffer.from(await argon2(ppk, passphrase))
  return {
    cipherKey: out.subarray(0, 32),
    iv: out.subarray(32, 48),
    macKey: out.subarray(48, 80),
  }
}

async function argon2(ppk: PpkFields, passphrase: string): Promise<Uint8Array> {
  const number = (name: string) => {
    const value = Number(ppk.headers.get(name))
    if (!Number.isInteger(value) || value <= 0)
      throw damaged(`${name} is missing`)
    return value
  }
  const options = {
    password: passphrase,
    salt: Buffer.from(ppk.headers.get('argon2-salt') ?? '', 'hex'),
    iterations: number('argon2-passes'),
    memorySize: number('argon2-memory'),
    parallelism: number('argon2-parallelism'),
    hashLength: 80,
    outputType: 'binary',
  } as const

  switch (ppk.headers.get('key-derivation')?.toLowerCase()) {
    case 'argon2id':
      return argon2id(options)
    case 'argon2i':
      return argon2i(options)
    case 'argon2d':
      return argon2d(options)
    default:
      throw new AppError(
        'KEY_CIPHER_UNSUPPORTED',
        'This PuTTY key uses a key derivation this program does not know. In PuTTYgen, use Conversions > Export OpenSSH key and import that file.',
      )
  }
}

function decrypt(blob: Buffer, secrets: Secrets): Buffer {
  if (blob.length % 16 !== 0)
    throw damaged('the private part has a wrong length')

  const decipher = crypto.createDecipheriv(
    'aes-256-cbc',
    secrets.cipherKey,
    secrets.iv,
  )
  decipher.setAutoPadding(false)
  return Buffer.concat([decipher.update(blob), decipher.final()])
}

function checkMac(
  ppk: PpkFields,
  privateBlob: Buffer,
  macKey: Buffer,
  encrypted: boolean,
): void {
  const expected = macOf(
    ppk.version,
    ppk.algorithm,
    ppk.encryption,
    ppk.comment,
    ppk.publicBlob,
    privateBlob,
    macKey,
  )
  const given = Buffer.from(ppk.mac, 'hex')
  if (
    given.length === expected.length &&
    crypto.timingSafeEqual(given, expected)
  )
    return

  if (encrypted) {
    throw new AppError(
      'KEY_PASSPHRASE_INCORRECT',
      'Incorrect passphrase for this PuTTY key. Type it again, exactly as set in PuTTYgen.',
    )
  }
  throw damaged('its Private-MAC does not match its contents')
}

/** The Private-MAC of a .ppk file: HMAC-SHA1 (v2) or HMAC-SHA256 (v3). */
export function macOf(
  version: 2 | 3,
  algorithm: string,
  encryption: string,
  comment: string,
  publicBlob: Buffer,
  privateBlob: Buffer,
  macKey: Buffer,
): Buffer {
  const data = Buffer.concat([
    sshString(Buffer.from(algorithm)),
    sshString(Buffer.from(encryption)),
    sshString(Buffer.from(comment, 'utf8')),
    sshString(publicBlob),
    sshString(privateBlob),
  ])
  return crypto
    .createHmac(version === 2 ? 'sha1' : 'sha256', macKey)
    .update(data)
    .digest()
}

function toKeyObject(
  algorithm: string,
  publicBlob: Buffer,
  privateBlob: Buffer,
): crypto.KeyObject {
  const pub = new SshReader(publicBlob)
  const priv = new SshReader(privateBlob)
  if (pub.string().toString() !== algorithm)
    throw damaged('its public part names another key type')

  try {
    if (algorithm === 'ssh-rsa') {
      const e = pub.mpint()
      const n = pub.mpint()
      const [d, p, q, qi] = [
        priv.mpint(),
        priv.mpint(),
        priv.mpint(),
        priv.mpint(),
      ]
      const jwk = {
        kty: 'RSA',
        n: b64u(n),
        e: b64u(e),
        d: b64u(d),
        p: b64u(p),
        q: b64u(q),
        dp: b64u(modulo(d, p)),
        dq: b64u(modulo(d, q)),
        qi: b64u(qi),
      }
      return crypto.createPrivateKey({ key: jwk, format: 'jwk' })
    }

    const publicPoint = pub.string()
    // PuTTY stores the Ed25519 seed as a little-endian integer, so trailing
    // zero bytes may be missing.
    const seed = Buffer.alloc(32)
    priv.string().copy(seed)
    const key = crypto.createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: b64u(seed), x: b64u(publicPoint) },
      format: 'jwk',
    })
    const derived = crypto.createPublicKey(key).export({ format: 'jwk' }).x
    if (derived !== b64u(publicPoint))
      throw damaged('its private part does not match its public part')
    return key
  } catch (error) {
    if (error instanceof AppError) throw error
    throw damaged('its key numbers are not valid', error)
  }
}
