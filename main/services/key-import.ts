import crypto from 'node:crypto'
import ssh2 from 'ssh2'
import sshpk from 'sshpk'
import { AppError } from '../../shared/errors'
import type { KeyView } from '../../shared/reports'
import type { DistrictStore } from './district-store'
import { fromNodeKey, toNodeKey } from './key-convert'
import { readPpk } from './key-ppk'
import {
  classifyKeyText,
  isEncryptedKeyText,
  opensshCipher,
  type KeyText,
} from './key-text'
import { keyFingerprints, storeKey } from './keys'

/**
 * Imports a key a technician already has (ssh-keygen, PuTTYgen, OpenSSL,
 * a cloud console) and stores it in the one form the connection layer
 * reads: OpenSSH, unencrypted, owner-only. Every check that could fail at
 * connect time runs here instead, so a key is refused at import or works.
 */

export interface ParsedKey {
  readonly key: sshpk.PrivateKey
  /** openssh, pkcs1, pkcs8, ppk-v2 or ppk-v3, with `-encrypted` if so. */
  readonly format: string
}

/** What the wizard needs before asking for a passphrase. */
export interface KeyTextFacts {
  readonly format: string
  readonly encrypted: boolean
}

// Ciphers both sshpk and Node's OpenSSL 3 (without its legacy provider)
// can decrypt in OpenSSH keys.
const OPENSSH_CIPHERS = [
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-cbc',
  'aes192-cbc',
  'aes256-cbc',
  '3des-cbc',
]

/** Names the key text's format and whether it needs a passphrase. */
export function inspectKeyText(text: string): KeyTextFacts {
  const key = classifyKeyText(text)
  return { format: formatName(key), encrypted: isEncryptedKeyText(key) }
}

/** Imports key text for a district (as its pending key if it has one). */
export async function importKey(
  store: DistrictStore,
  domain: string,
  text: string,
  options: { passphrase?: string; now?: Date } = {},
): Promise<KeyView> {
  const district = await store.get(domain)
  const now = options.now ?? new Date()
  const parsed = await parsePrivateKeyText(text, options.passphrase)

  if (!parsed.key.comment || parsed.key.comment === '(unnamed)') {
    parsed.key.comment = `${district.domain} ${now.toISOString().slice(0, 10)}`
  }
  return storeKey(store, district, parsed.key, 'imported', now, {
    importedFrom: parsed.format,
  })
}

/** Reads any supported private key text, refusing what cannot be used. */
export async function parsePrivateKeyText(
  text: string,
  passphrase?: string,
): Promise<ParsedKey> {
  const source = classifyKeyText(text)
  const encrypted = isEncryptedKeyText(source)
  const format = `${formatName(source)}${encrypted ? '-encrypted' : ''}`
  if (encrypted && !passphrase) {
    throw new AppError(
      'KEY_PASSPHRASE_NEEDED',
      `This ${describeFormat(source)} key is protected by a passphrase. Enter it to import the key.`,
    )
  }

  const key = await readAnyFormat(source, passphrase)
  checkUsable(key)
  verifyStoredForm(key)
  return { key, format }
}

async function readAnyFormat(
  source: KeyText,
  passphrase: string | undefined,
): Promise<sshpk.PrivateKey> {
  switch (source.format) {
    case 'openssh':
      return readOpenssh(source.text, passphrase)
    case 'pem':
      return fromKeyObject(readPem(source, passphrase), '')
    case 'ppk': {
      const ppk = await readPpk(source.text, passphrase)
      return fromKeyObject(ppk.key, ppk.comment)
    }
  }
}

function readOpenssh(text: string, passphrase?: string): sshpk.PrivateKey {
  const cipher = opensshCipher(text)
  if (cipher !== 'none' && !OPENSSH_CIPHERS.includes(cipher)) {
    throw new AppError(
      'KEY_CIPHER_UNSUPPORTED',
      `This OpenSSH key is encrypted with ${cipher}, which this program cannot read. Re-encrypt it with a common cipher (ssh-keygen -p -Z aes256-ctr -f FILE) or remove its passphrase (ssh-keygen -p -N "" -f FILE on a copy), then import it again.`,
    )
  }

  try {
    return sshpk.parsePrivateKey(
      text,
      'openssh',
      passphrase && cipher !== 'none' ? { passphrase } : {},
    )
  } catch (error) {
    if (/incorrect passphrase/i.test(String(error))) {
      throw incorrectPassphrase('OpenSSH', error)
    }
    throw new AppError(
      'INVALID_KEY',
      'This OpenSSH private key is damaged or incomplete.',
      { cause: error },
    )
  }
}

const PEM_CIPHERS = [
  'AES-128-CBC',
  'AES-192-CBC',
  'AES-256-CBC',
  'DES-EDE3-CBC',
]

function readPem(source: KeyText & { format: 'pem' }, passphrase?: string) {
  if (source.label === 'DSA PRIVATE KEY') throw dsaRefused()

  const dekCipher = /^DEK-Info: *([^,\n]+)/m.exec(source.text)?.[1]
  if (dekCipher && !PEM_CIPHERS.includes(dekCipher.toUpperCase())) {
    throw pemCipherRefused(dekCipher)
  }

  const encrypted = isEncryptedKeyText(source)
  try {
    return crypto.createPrivateKey({
      key: source.text,
      format: 'pem',
      ...(encrypted ? { passphrase: passphrase ?? '' } : {}),
    })
  } catch (error) {
    if (encrypted && isCipherUnavailable(error))
      throw pemCipherRefused('its cipher', error)
    // A wrong passphrase usually fails the padding check ("bad decrypt"),
    // but about one time in 256 it passes and the garbage then fails to
    // decode ("DECODER routines::unsupported"): still a wrong passphrase.
    if (encrypted) throw incorrectPassphrase('PEM', error)
    throw new AppError(
      'INVALID_KEY',
      'This PEM private key is damaged or incomplete.',
      { cause: error },
    )
  }
}

/**
 * True when OpenSSL lacks the cipher itself (a legacy one such as DES or
 * RC2), as opposed to failing to decode what a wrong passphrase produced.
 */
function isCipherUnavailable(error: unknown): boolean {
  const text = String(error)
  if (/DECODER routines/i.test(text)) return false
  return /digital envelope routines.*unsupported|unsupported (cipher|algorithm)/i.test(
    text,
  )
}

function fromKeyObject(
  object: crypto.KeyObject,
  comment: string,
): sshpk.PrivateKey {
  const type = object.asymmetricKeyType
  if (type === 'dsa') throw dsaRefused()
  if (type !== 'rsa' && type !== 'ed25519') {
    throw new AppError(
      'KEY_TYPE_UNSUPPORTED',
      `This is ${String(type).toUpperCase() === 'ECDSA' ? 'an' : 'a'} ${String(type).toUpperCase()} key. SameGoal needs an RSA (2048 bits or more) or Ed25519 key; generate a new keypair instead.`,
    )
  }

  return fromNodeKey(object, comment)
}

function checkUsable(key: sshpk.PrivateKey): void {
  if (key.type === 'dsa') throw dsaRefused()
  if (key.type !== 'rsa' && key.type !== 'ed25519') {
    throw new AppError(
      'KEY_TYPE_UNSUPPORTED',
      `This is ${key.type.toUpperCase() === 'ECDSA' ? 'an' : 'a'} ${key.type.toUpperCase()} key. SameGoal needs an RSA (2048 bits or more) or Ed25519 key; generate a new keypair instead.`,
    )
  }
  if (key.type === 'rsa' && key.size < 2048) {
    throw new AppError(
      'KEY_TYPE_UNSUPPORTED',
      `This RSA key has only ${key.size} bits, too short to be safe or accepted by current servers. Use a key of 2048 bits or more, or generate a new keypair.`,
    )
  }
}

/**
 * Runs the conversions the connection makes, before anything is stored:
 * the OpenSSH text must load in ssh2 and in Node's crypto, keep the
 * fingerprint, and sign what its public half verifies.
 */
function verifyStoredForm(key: sshpk.PrivateKey): void {
  const problem = conversionProblem(key)
  if (!problem) return

  throw new AppError(
    'INVALID_KEY',
    'This key could not be converted into a form the connection can use.',
    { details: problem },
  )
}

function conversionProblem(key: sshpk.PrivateKey): string | undefined {
  try {
    const openssh = key.toString('openssh')
    const parsed = ssh2.utils.parseKey(openssh)
    if (parsed instanceof Error) return parsed.message

    const reread = sshpk.parsePrivateKey(openssh, 'openssh')
    if (keyFingerprints(reread).sha256 !== keyFingerprints(key).sha256)
      return 'the fingerprint changed on conversion'

    toNodeKey(key)
    const data = crypto.randomBytes(32)
    if (!parsed.verify(data, parsed.sign(data)))
      return 'its private half does not match its public half'
    return undefined
  } catch (error) {
    return String(error)
  }
}

function formatName(key: KeyText): string {
  if (key.format === 'openssh') return 'openssh'
  if (key.format === 'ppk') {
    const version = /^PuTTY-User-Key-File-(\d+)/i.exec(key.text)?.[1]
    return `ppk-v${version ?? '?'}`
  }
  return key.label === 'RSA PRIVATE KEY' ? 'pkcs1' : 'pkcs8'
}

function describeFormat(key: KeyText): string {
  if (key.format === 'openssh') return 'OpenSSH'
  return key.format === 'ppk' ? 'PuTTY' : 'PEM'
}

function incorrectPassphrase(kind: string, cause: unknown): AppError {
  return new AppError(
    'KEY_PASSPHRASE_INCORRECT',
    `Incorrect passphrase for this ${kind} key. Type it again, exactly as it was set.`,
    { cause },
  )
}

function pemCipherRefused(cipher: string, cause?: unknown): AppError {
  return new AppError(
    'KEY_CIPHER_UNSUPPORTED',
    `This PEM key is encrypted with ${cipher}, which this program cannot read. Convert it with: openssl pkey -in FILE -aes256 -out NEW.pem (or without -aes256 for no passphrase), then import NEW.pem.`,
    cause === undefined ? {} : { cause },
  )
}

function dsaRefused(): AppError {
  return new AppError(
    'KEY_TYPE_UNSUPPORTED',
    'This is a DSA key. Current SSH servers no longer accept DSA keys; generate a new RSA or Ed25519 keypair instead.',
  )
}
