/**
 * Host and key fingerprints. Canonical forms match `ssh-keygen -l`:
 * `SHA256:` plus unpadded base64, and `MD5:` plus colon-separated hex.
 * Anything typed or pasted is accepted in every usual form of the same key.
 */

export interface Fingerprints {
  readonly sha256: string
  readonly md5: string
}

export type ParsedFingerprint =
  | { readonly kind: 'sha256'; readonly value: string }
  | { readonly kind: 'md5'; readonly value: string }

/** Reads a typed fingerprint in any usual form, or undefined if it is none. */
export function parseFingerprint(input: string): ParsedFingerprint | undefined {
  const text = input.trim().replace(/\s+/g, '')
  const body = text.replace(/^(sha256|md5):/i, '')
  const prefix = text.slice(0, text.length - body.length).toLowerCase()

  const hex = body.replace(/:/g, '').toLowerCase()
  if (prefix !== 'sha256:' && /^[0-9a-f]{32}$/.test(hex)) {
    return { kind: 'md5', value: `MD5:${hex.match(/../g)?.join(':')}` }
  }
  if (prefix !== 'md5:' && /^[0-9a-f]{64}$/.test(hex)) {
    const bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []
    const b64 = btoa(String.fromCharCode(...bytes)).replace(/=+$/, '')
    return { kind: 'sha256', value: `SHA256:${b64}` }
  }
  if (prefix !== 'md5:' && /^[A-Za-z0-9+/]{43}=?$/.test(body)) {
    return { kind: 'sha256', value: `SHA256:${body.replace(/=$/, '')}` }
  }

  return undefined
}

/** True when a typed fingerprint names the key with these fingerprints. */
export function fingerprintMatches(input: string, key: Fingerprints): boolean {
  const parsed = parseFingerprint(input)
  if (!parsed) return false

  return parsed.kind === 'sha256'
    ? parsed.value === key.sha256
    : parsed.value === key.md5
}
