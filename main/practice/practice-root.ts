import fs from 'node:fs/promises'
import path from 'node:path'
import ssh2 from 'ssh2'
import writeFileAtomic from 'write-file-atomic'
import { normalizeDomain } from '../../shared/domain'
import { AppError } from '../../shared/errors'

/**
 * The practice server's folder. Each practice district has an account
 * folder laid out like a SameGoal account, plus the keys "sent" to it:
 *
 *   <root>/host_key                     the server's own key, kept across restarts
 *   <root>/server.json                  the port it last listened on
 *   <root>/<domain>/upload/             writable by the district
 *   <root>/<domain>/upload-processed/   read-only for the district
 *   <root>/<domain>/authorized_keys     keys delivered for the district
 *   <root>/exports/<domain>/            the practice export folder
 */

export const DEFAULT_PRACTICE_PORT = 2222

const DELIVERED = '# delivered '

/** The practice root that belongs to a home. */
export function practiceRootOf(home: string): string {
  return path.join(home, 'practice')
}

/** The account folder of one practice district. */
export function accountRootOf(root: string, domain: string): string {
  return path.join(root, normalizeDomain(domain))
}

/** The folder the sample export for a practice district is written to. */
export function practiceExportDirOf(root: string, domain: string): string {
  return path.join(root, 'exports', normalizeDomain(domain))
}

/** Creates an account folder (idempotent) and returns its path. */
export async function ensureAccount(
  root: string,
  domain: string,
): Promise<string> {
  const account = accountRootOf(root, domain)

  await fs.mkdir(path.join(account, 'upload'), { recursive: true })
  await fs.mkdir(path.join(account, 'upload-processed'), { recursive: true })
  return account
}

/** True when the root holds an account folder for this domain. */
export async function hasAccount(
  root: string,
  domain: string,
): Promise<boolean> {
  const upload = path.join(accountRootOf(root, domain), 'upload')

  return fs.stat(upload).then(
    (s) => s.isDirectory(),
    () => false,
  )
}

/** Reads the host key, making one the first time so a restart keeps it. */
export async function loadHostKey(root: string): Promise<string> {
  const file = path.join(root, 'host_key')
  const existing = await fs.readFile(file, 'utf8').catch(() => undefined)
  if (existing) return existing

  await fs.mkdir(root, { recursive: true })
  const pair = ssh2.utils.generateKeyPairSync('ed25519')
  await fs.writeFile(file, pair.private, { mode: 0o600, flag: 'wx' }).catch(
    // Another process made it at the same moment; use theirs.
    () => undefined,
  )
  return fs.readFile(file, 'utf8')
}

/** The port recorded by the last server run on this root, if any. */
export async function recordedPort(root: string): Promise<number | undefined> {
  try {
    const raw = await fs.readFile(path.join(root, 'server.json'), 'utf8')
    const port = (JSON.parse(raw) as { port?: unknown }).port

    return typeof port === 'number' ? port : undefined
  } catch {
    return undefined
  }
}

export async function recordPort(root: string, port: number): Promise<void> {
  await fs.mkdir(root, { recursive: true })
  await writeFileAtomic(
    path.join(root, 'server.json'),
    `${JSON.stringify({ port })}\n`,
  )
}

export interface Delivery {
  readonly domain: string
  readonly deliveredAt: string
  readonly file: string
}

/**
 * "Sends" a public key to the practice account, the practice flow's stand-in
 * for emailing SameGoal: the line goes into the account's authorized_keys
 * with the time it arrived, and the server honours it once the sync delay
 * has passed.
 */
export async function deliverPracticeKey(
  root: string,
  domain: string,
  publicKey: string,
  now = new Date(),
): Promise<Delivery> {
  const line = publicKey.trim()
  if (!/^(ssh-|ecdsa-)\S+ [A-Za-z0-9+/=]+( .*)?$/.test(line)) {
    throw new AppError(
      'INVALID_KEY',
      'The text given is not a one-line OpenSSH public key.',
    )
  }

  const account = await ensureAccount(root, domain)
  const file = path.join(account, 'authorized_keys')
  // Sending the same key again does not restart its wait.
  const known = (await readAuthorizedKeys(account)).find(
    (k) => keyPart(k.line) === keyPart(line),
  )
  if (known) {
    const at = known.deliveredAt.toISOString()
    return { domain: normalizeDomain(domain), deliveredAt: at, file }
  }

  const deliveredAt = now.toISOString()
  await fs.appendFile(file, `${DELIVERED}${deliveredAt}\n${line}\n`, {
    mode: 0o600,
  })
  return { domain: normalizeDomain(domain), deliveredAt, file }
}

export interface AuthorizedKey {
  readonly line: string
  readonly deliveredAt: Date
}

/**
 * The keys in an account's authorized_keys and when each arrived. A line
 * without a delivery note (placed by hand) counts from the file's own
 * modification time.
 */
export async function readAuthorizedKeys(
  account: string,
): Promise<AuthorizedKey[]> {
  const file = path.join(account, 'authorized_keys')
  const [text, stat] = await Promise.all([
    fs.readFile(file, 'utf8'),
    fs.stat(file),
  ]).catch(() => [undefined, undefined] as const)
  if (text === undefined || stat === undefined) return []

  const keys: AuthorizedKey[] = []
  let noted: Date | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line.startsWith(DELIVERED)) {
      const at = new Date(line.slice(DELIVERED.length))
      noted = Number.isNaN(at.getTime()) ? undefined : at
    } else if (line && !line.startsWith('#')) {
      keys.push({ line, deliveredAt: noted ?? stat.mtime })
      noted = undefined
    }
  }
  return keys
}

// The type and key data of a key line, without its comment.
function keyPart(line: string): string {
  return line.split(/\s+/).slice(0, 2).join(' ')
}
