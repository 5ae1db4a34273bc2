import crypto from 'node:crypto'
import { promisify } from 'node:util'
import { z } from 'zod'
import { AppError } from '../../shared/errors'

/**
 * Seals a settings bundle under the technician's passphrase: scrypt
 * (N=2^17, r=8, p=1, a fresh 16-byte salt) derives a 256-bit key, and
 * AES-256-GCM encrypts and authenticates the whole payload, so a wrong
 * passphrase or a changed byte is detected before anything is imported.
 */

export const BUNDLE_FORMAT = 'samegoal-ascender-districts'

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>

const KDF = { N: 2 ** 17, r: 8, p: 1 } as const
const MIN_PASSPHRASE = 10

export const sealedSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  exportedAt: z.string(),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: z.string().min(16),
  }),
  cipher: z.literal('aes-256-gcm'),
  iv: z.string().min(16),
  tag: z.string().min(16),
  data: z.string(),
})

export type SealedBundle = z.infer<typeof sealedSchema>

/** Encrypts a JSON payload under a passphrase. */
export async function seal(
  payload: unknown,
  passphrase: string,
  now: Date,
): Promise<SealedBundle> {
  checkPassphrase(passphrase)
  const salt = crypto.randomBytes(16)
  const iv = crypto.randomBytes(12)
  const key = await deriveKey(passphrase, salt, KDF)

  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(BUNDLE_FORMAT))
  const data = Buffer.concat([
    cipher.update(JSON.stringify(payload), 'utf8'),
    cipher.final(),
  ])

  return {
    format: BUNDLE_FORMAT,
    version: 1,
    exportedAt: now.toISOString(),
    kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  }
}

/** Decrypts a bundle; BUNDLE_PASSPHRASE when the passphrase is wrong. */
export async function unseal(
  sealed: SealedBundle,
  passphrase: string,
): Promise<unknown> {
  const { N, r, p } = sealed.kdf
  const key = await deriveKey(
    passphrase,
    Buffer.from(sealed.kdf.salt, 'base64'),
    { N, r, p },
  )
  const decipher = crypto.createDecipheriv(
    'aes-256-gcm',
    key,
    Buffer.from(sealed.iv, 'base64'),
  )
  decipher.setAAD(Buffer.from(BUNDLE_FORMAT))
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))

  let text: string
  try {
    text = Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    throw new AppError(
      'BUNDLE_PASSPHRASE',
      'The passphrase does not open this settings file (or the file was changed). Nothing was imported.',
    )
  }
  return JSON.parse(text) as unknown
}

function deriveKey(
  passphrase: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return scrypt(passphrase.normalize('NFC'), salt, 32, {
    ...params,
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  })
}

function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length >= MIN_PASSPHRASE) return

  throw new AppError(
    'INVALID_INPUT',
    `Choose a passphrase of at least ${MIN_PASSPHRASE} characters; it protects the districts\u2019 private keys.`,
  )
}
