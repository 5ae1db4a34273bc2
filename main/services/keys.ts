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
 *
 * A district that already has a key gets a new one as its pending key: the
 * current key stays in use until the pending one has logged in once, so a
 * nightly run never breaks while SameGoal installs the new key.
 */

export type KeyType = KeyRecord['type']
export type KeyRole = 'current' | 'pending'

const generateKeyPair = promisify(crypto.generateKeyPair)

export interface GenerateOptions {
  /** Accepted for scripts; a district with a key always gets a pending one. */
  readonly replace?: boolean
  /** Encrypts the stored key; such a key cannot be used unattended. */
  readonly passphrase?: string
  readonly now?: Date
}

/** Generates a keypair (RSA 4096 by default) and records it for the district. */
export async function generateKey(
  store: DistrictStore,
  domain: string,
  type: KeyType = 'rsa',
  options: GenerateOptions = {},
): Promise<KeyView> {
  const district = await store.get(domain)
  const now = options.now ?? new Date()
  const key = await newKeypair(type, district.domain, now)

  return storeKey(store, district, key, 'generated', now, {
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
  })
}

/** A fresh keypair with the comment naming the district and the date. */
export async function newKeypair(
  type: KeyType,
  domain: string,
  now: Date,
): Promise<sshpk.PrivateKey> {
  const key = sshpk.parsePrivateKey(await generatePkcs8(type), 'pkcs8')

  key.comment = `${domain} ${now.toISOString().slice(0, 10)}`
  return key
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

export interface StoreOptions {
  readonly passphrase?: string
  readonly importedFrom?: string
}

/**
 * Writes the key files and records the key: as the current key when the
 * district has none, otherwise as its pending key.
 */
export async function storeKey(
  store: DistrictStore,
  district: DistrictSettings,
  key: sshpk.PrivateKey,
  source: KeyRecord['source'],
  now: Date,
  options: StoreOptions = {},
): Promise<KeyView> {
  const type = sshType(key)
  const sha256 = keyFingerprints(key).sha256
  // The same key again (a second import, say) changes nothing.
  if (district.key?.sha256 === sha256) return keyView(store, district)
  if (district.pendingKey?.sha256 === sha256) {
    return keyView(store, district, 'pending')
  }

  const role: KeyRole = district.key ? 'pending' : 'current'
  const dir = store.layout.keysDir(district.domain)
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14)
  const file = role === 'current' ? `id_${type}` : `id_${type}-${stamp}`
  const publicKey = publicLine(key)
  const openssh = options.passphrase
    ? key.toString('openssh', { passphrase: options.passphrase })
    : key.toString('openssh')

  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  await writePrivate(path.join(dir, file), openssh)
  await writePublic(publicKeyPath(dir, district.domain, role), publicKey)

  const record: KeyRecord = {
    type,
    bits: key.size,
    file,
    publicKey,
    comment: key.comment ?? '',
    ...keyFingerprints(key),
    createdAt: now.toISOString(),
    source,
    ...(options.importedFrom ? { importedFrom: options.importedFrom } : {}),
    ...(options.passphrase ? { encrypted: true } : {}),
  }
  const saved = await store.update(district.domain, (current) => {
    const next = { ...current }
    if (role === 'pending') next.pendingKey = record
    else next.key = record
    // A share record belongs to the key that was shared, not the new one.
    delete next.keyShared
    return next
  })
  return keyView(store, saved, role)
}

/** The one-line authorized_keys entry, comment included. */
export function publicLine(key: sshpk.Key | sshpk.PrivateKey): string {
  const pub = 'toPublic' in key ? key.toPublic() : key
  return pub.toString('ssh').trim()
}

function publicKeyPath(dir: string, domain: string, role: KeyRole): string {
  return role === 'current'
    ? path.join(dir, `${domain}.pub`)
    : path.join(dir, 'pending', `${domain}.pub`)
}

async function writePublic(file: string, line: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  await fs.writeFile(file, `${line}\n`, { mode: 0o644 })
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

/**
 * Makes the pending key the current one after it logged in. The old key's
 * file stays in the keys folder; nothing is destroyed.
 */
export async function promotePendingKey(
  store: DistrictStore,
  domain: string,
  sha256: string,
): Promise<DistrictSettings> {
  const saved = await store.update(domain, (current) => {
    if (current.pendingKey?.sha256 !== sha256) return current

    const next = { ...current, key: current.pendingKey }
    delete next.pendingKey
    return next
  })

  const dir = store.layout.keysDir(saved.domain)
  if (saved.key?.sha256 === sha256 && !saved.pendingKey) {
    await writePublic(
      publicKeyPath(dir, saved.domain, 'current'),
      saved.key.publicKey,
    )
    await fs.rm(publicKeyPath(dir, saved.domain, 'pending'), { force: true })
  }
  return saved
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
    'KEY_TYPE_UNSUPPORTED',
    `Keys of type ${key.type} are not supported; use RSA or Ed25519.`,
  )
}

/** The district's key as shown to the technician: current or pending. */
export function keyView(
  store: DistrictStore,
  district: DistrictSettings,
  role: KeyRole = 'current',
): KeyView {
  const key = requireKey(district, role)
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
    publicKeyFile: publicKeyPath(dir, district.domain, role),
    role,
    source: key.source,
    ...(key.importedFrom ? { importedFrom: key.importedFrom } : {}),
    ...(key.encrypted ? { encrypted: true } : {}),
    createdAt: key.createdAt,
  }
}

/** The key SameGoal still has to receive: the pending one, else the current. */
export function keyToShare(
  store: DistrictStore,
  district: DistrictSettings,
): KeyView {
  return keyView(store, district, district.pendingKey ? 'pending' : 'current')
}

/**
 * Reads a stored private key (OpenSSH text) for connecting. An encrypted
 * key is unlocked in memory with the passphrase; the file stays encrypted.
 */
export async function readPrivateKey(
  store: DistrictStore,
  district: DistrictSettings,
  role: KeyRole = 'current',
  passphrase?: string,
): Promise<string> {
  const key = requireKey(district, role)
  const file = path.join(store.layout.keysDir(district.domain), key.file)

  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new AppError(
      'INVALID_KEY',
      `The private key file ${file} cannot be read.`,
      { cause: error },
    )
  }
  if (!key.encrypted) return text

  return unlockStoredKey(text, district.domain, passphrase)
}

function unlockStoredKey(
  text: string,
  domain: string,
  passphrase: string | undefined,
): string {
  if (!passphrase) {
    throw new AppError(
      'KEY_PASSPHRASE_NEEDED',
      `The key of "${domain}" has a passphrase, and none was given.`,
    )
  }
  try {
    return sshpk
      .parsePrivateKey(text, 'openssh', { passphrase })
      .toString('openssh')
  } catch (error) {
    throw new AppError(
      'KEY_PASSPHRASE_INCORRECT',
      `Incorrect passphrase for the key of "${domain}".`,
      { cause: error },
    )
  }
}

/**
 * True when the nightly run can log in without a person: its current key
 * needs no passphrase. No OS keystore reaches the plain-Node scheduled run,
 * so a key with a passphrase is refused for scheduling instead of failing
 * at 2 a.m. An encrypted pending key is skipped by unattended runs.
 */
export function isKeyUsableUnattended(district: DistrictSettings): boolean {
  return district.key !== undefined && district.key.encrypted !== true
}

function requireKey(district: DistrictSettings, role: KeyRole): KeyRecord {
  const key = role === 'pending' ? district.pendingKey : district.key
  if (key) return key

  if (role === 'pending') {
    throw new AppError(
      'NO_PENDING_KEY',
      `District "${district.domain}" has no new key waiting; its current key is in use.`,
    )
  }
  throw new AppError(
    'NO_KEY',
    `District "${district.domain}" has no keypair yet.`,
  )
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
