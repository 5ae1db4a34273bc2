import { AppError } from '../../shared/errors'

/**
 * Recognises what a technician handed us as a key, after undoing what mail
 * clients, editors and copy-paste do to key text: a UTF-8 byte-order mark,
 * Windows line ends, blank lines, indentation and trailing spaces.
 */

export type KeyText =
  | { readonly format: 'openssh'; readonly text: string }
  | { readonly format: 'pem'; readonly label: string; readonly text: string }
  | { readonly format: 'ppk'; readonly text: string }

const PRIVATE_PEM_LABELS = [
  'OPENSSH PRIVATE KEY',
  'RSA PRIVATE KEY',
  'DSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]

const PUBLIC_PEM_LABELS = [
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'SSH2 PUBLIC KEY',
  'OPENSSH PUBLIC KEY',
]

const PUBLIC_LINE = /^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-\S+|sk-\S+) +AAAA/

/** Cleans key text and names its format, or refuses it with a reason. */
export function classifyKeyText(input: string): KeyText {
  const lines = input
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)

  if (lines.length === 0) {
    throw new AppError('INVALID_KEY', 'The key text is empty.')
  }
  if (/^PuTTY-User-Key-File-\d+:/i.test(lines[0] ?? '')) {
    return { format: 'ppk', text: `${lines.join('\n')}\n` }
  }

  const block = findPemBlock(lines)
  const privateBlocks = lines.filter((line) =>
    PRIVATE_PEM_LABELS.some((label) => line === `-----BEGIN ${label}-----`),
  ).length
  if (privateBlocks > 1) {
    throw new AppError(
      'INVALID_KEY',
      `This text holds ${privateBlocks} private keys. Import one key at a time: the one whose public key was sent to SameGoal.`,
    )
  }
  if (block && PRIVATE_PEM_LABELS.includes(block.label)) {
    const text = rebuildPem(block.label, block.body)
    return block.label === 'OPENSSH PRIVATE KEY'
      ? { format: 'openssh', text }
      : { format: 'pem', label: block.label, text }
  }

  if (
    (block && PUBLIC_PEM_LABELS.includes(block.label)) ||
    lines.some((line) => PUBLIC_LINE.test(line))
  ) {
    throw new AppError(
      'KEY_IS_PUBLIC',
      'This is a public key. Importing needs the private key file it belongs to (the one without .pub).',
    )
  }
  if (block?.label === 'CERTIFICATE') {
    throw new AppError(
      'INVALID_KEY',
      'This is a certificate, not an SSH private key.',
    )
  }

  throw new AppError(
    'INVALID_KEY',
    'This text is not a private key in a form this program reads (OpenSSH, PEM or PuTTY .ppk).',
  )
}

interface PemBlock {
  readonly label: string
  readonly body: readonly string[]
}

function findPemBlock(lines: readonly string[]): PemBlock | undefined {
  const start = lines.findIndex((line) => /^-{5}BEGIN .+-{5}$/.test(line))
  if (start < 0) return undefined

  const label = (lines[start] ?? '').replace(/^-{5}BEGIN |-{5}$/g, '')
  const end = lines.indexOf(`-----END ${label}-----`, start + 1)
  if (end < 0) {
    throw new AppError(
      'INVALID_KEY',
      `The key text starts with "BEGIN ${label}" but its END line is missing; the copy is probably cut short.`,
    )
  }
  return { label, body: lines.slice(start + 1, end) }
}

// PEM headers (Proc-Type, DEK-Info) must be followed by one blank line and
// the base64 must be in lines of 64, or OpenSSL refuses the text.
function rebuildPem(label: string, body: readonly string[]): string {
  const headers = body.filter((line) => /^[A-Za-z-]+:/.test(line))
  const data = body
    .filter((line) => !/^[A-Za-z-]+:/.test(line))
    .join('')
    .replace(/\s+/g, '')
  const wrapped = data.match(/.{1,64}/g) ?? []

  return [
    `-----BEGIN ${label}-----`,
    ...headers,
    ...(headers.length > 0 ? [''] : []),
    ...wrapped,
    `-----END ${label}-----`,
    '',
  ].join('\n')
}

/** True when the cleaned key text says it is protected by a passphrase. */
export function isEncryptedKeyText(key: KeyText): boolean {
  switch (key.format) {
    case 'ppk':
      return !/^Encryption: *none$/im.test(key.text)
    case 'pem':
      return (
        key.label === 'ENCRYPTED PRIVATE KEY' ||
        /^Proc-Type: *4,ENCRYPTED/im.test(key.text)
      )
    case 'openssh':
      return opensshCipher(key.text) !== 'none'
  }
}

/** The cipher named inside an OpenSSH private key (`none` when plain). */
export function opensshCipher(text: string): string {
  const body = text
    .split('\n')
    .filter((line) => !line.startsWith('-----'))
    .join('')
  const raw = Buffer.from(body, 'base64')
  const magic = 'openssh-key-v1\0'

  const readable =
    raw.length >= magic.length + 4 &&
    raw.subarray(0, magic.length).toString('latin1') === magic
  if (!readable) {
    throw new AppError(
      'INVALID_KEY',
      'The OpenSSH key text is damaged (its header is not readable).',
    )
  }
  const length = raw.readUInt32BE(magic.length)
  const start = magic.length + 4
  return raw.subarray(start, start + length).toString('latin1')
}
