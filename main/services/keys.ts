import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import sshpk from 'sshpk'
import { AppError } from '../../shared/errors'
import type { KeyView } from '../../shared/reports'
import type { DistrictSettings, KeyRecord } from '../../shared/settings-schema'
import type { DistrictStore } from './district-store'

/**
 * District keypairs. The private key is stored in OpenSSH format with
 * owner-only permissions, the public key as a one-line authorized_keys
 * entry in `<domain>.pub`. The connection layer only ever reads the stored
 * OpenSSH form.
 */

export type KeyType = KeyRecord['type']

const generateKeyPair = promisify(crypto.generateKeyPair)

/** Generates a keypair (RSA 4096 by default) and records it for the district. */
export async function generateKey(
  store: DistrictStore,
  domain: string,
  type: KeyType = 'rsa',
  options: { replace?: boolean; now?: Date } = {},
): Promise<KeyView> {
  const district = await store.get(domain)
  if (district.key && !options.replace) {
    throw new AppError(
      'KEY_EXISTS',
      `District "${district.domain}" already has a ${district.key.type} key.`,
    )
  }

  const now = options.now ?? new Date()
  const pem = await generatePkcs8(type)
  const key = sshpk.parsePrivateKey(pem, 'pkcs8')
  key.comment = `${district.domain} ${now.toISOString().slice(0, 10)}`

  return storeKey(store, district, key, 'generated', now)
}

async function generatePkcs8(type: KeyType): Promise<string> {
  const encoding = {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  } as const

  // Async generation runs on libuv's thread pool, so a 4096-bit RSA key
  // (about a second) never blocks the wizard's main process.
  const pair =
    type === 'rsa'
      ? await generateKeyPair('rsa', { modulusLength: 4096, ...encoding })
      : await generateKeyPair('ed25519', encoding)

  return String(pair.privateKey)
}

/** Writes the key files and records the key in the district's settings. */
export async function storeKey(
  store: DistrictStore,
  district: DistrictSettings,
  key: sshpk.PrivateKey,
  source: KeyRecord['source'],
  now: Date,
): Promise<KeyView> {
  const type = sshType(key)
  const dir = store.layout.keysDir(district.domain)
  const file = `id_${type}`
  const publicKey = key.toPublic().toString('ssh').trim()

  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  await writePrivate(path.join(dir, file), key.toString('openssh'))
  await fs.writeFile(
    path.join(dir, `${district.domain}.pub`),
    `${publicKey}\n`,
    { mode: 0o644 },
  )

  const record: KeyRecord = {
    type,
    bits: key.size,
    file,
    publicKey,
    comment: key.comment ?? '',
    ...keyFingerprints(key),
    createdAt: now.toISOString(),
    source,
  }
  const saved = await store.update(district.domain, (current) => ({
    ...current,
    key: record,
  }))
  return keyView(store, saved)
}

// TODO: on Windows, mode bits do not restrict access; the private key
// should also get an ACL limited to the current user (icacls), which needs
// a Windows machine to verify.
async function writePrivate(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`

  await fs.writeFile(temp, text, { mode: 0o600 })
  await fs.chmod(temp, 0o600)
  await fs.rename(temp, file)
}

/** SHA256 and MD5 fingerprints in `ssh-keygen -l` form. */
export function keyFingerprints(key: sshpk.Key | sshpk.PrivateKey): {
  sha256: string
  md5: string
} {
  return {
    sha256: key.fingerprint('sha256').toString(),
    md5: `MD5:${key.fingerprint('md5').toString('hex')}`,
  }
}

function sshType(key: sshpk.PrivateKey): KeyType {
  if (key.type === 'rsa') return 'rsa'
  if (key.type === 'ed25519') return 'ed25519'

  throw new AppError(
    'INVALID_KEY',
    `Keys of type ${key.type} are not supported; use RSA or Ed25519.`,
  )
}

/** The district's key as shown to the technician. */
export function keyView(
  store: DistrictStore,
  district: DistrictSettings,
): KeyView {
  const key = requireKey(district)
  const dir = store.layout.keysDir(district.domain)

  return {
    domain: district.domain,
    publicKey: key.publicKey,
    type: key.type,
    bits: key.bits,
    comment: key.comment,
    sha256: key.sha256,
    md5: key.md5,
    privateKeyFile: path.join(dir, key.file),
    publicKeyFile: path.join(dir, `${district.domain}.pub`),
  }
}

/** Reads the stored private key (OpenSSH text) for connecting. */
export async function readPrivateKey(
  store: DistrictStore,
  district: DistrictSettings,
): Promise<string> {
  const key = requireKey(district)
  const file = path.join(store.layout.keysDir(district.domain), key.file)

  try {
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new AppError(
      'INVALID_KEY',
      `The private key file ${file} cannot be read.`,
      { cause: error },
    )
  }
}

function requireKey(district: DistrictSettings): KeyRecord {
  if (!district.key) {
    throw new AppError(
      'NO_KEY',
      `District "${district.domain}" has no keypair yet.`,
    )
  }
  return district.key
}

/** The two lines `ssh-keygen -l -E sha256` and `-E md5` print for the key. */
export function fingerprintLines(view: KeyView): [string, string] {
  const comment = view.comment || 'no comment'
  const label = view.type === 'rsa' ? 'RSA' : 'ED25519'

  return [
    `${view.bits} ${view.sha256} ${comment} (${label})`,
    `${view.bits} ${view.md5} ${comment} (${label})`,
  ]
}
