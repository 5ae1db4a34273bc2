import { AppError } from '../../shared/errors'
import type { ServerKey } from '../../shared/reports'
import type { HostKeyPin } from '../../shared/settings-schema'

/**
 * Turns what the SSH library reports into one named cause. The library's
 * own words ("All configured authentication methods failed") stay in
 * `details`; the message says what happened in plain words.
 */

/** What the handshake learned before it failed. */
export interface HandshakeFacts {
  serverKey?: ServerKey
  hostKeyError?: AppError
  authError?: AppError
  authStarted: boolean
  loggedIn: boolean
  rawError?: Error & { level?: string }
}

/** The refusal for a host key that is not pinned, or differs from the pin. */
export function hostKeyRefusal(
  seen: ServerKey,
  pin: HostKeyPin | undefined,
  givenFingerprint: string | undefined,
  domain: string,
): AppError {
  const accept = `check ${domain} --trust-host-key ${seen.sha256}`
  const extra = { serverKey: seen, ...(pin ? { pinnedKey: pin } : {}) }

  if (pin) {
    return new AppError(
      'HOST_KEY_CHANGED',
      `The server's host key changed: it was ${pin.type} ${pin.sha256} (${pin.md5}), now it is ${seen.type} ${seen.sha256} (${seen.md5}). Nothing was sent. Only if SameGoal confirms the new key, accept it with: ${accept}`,
      { extra },
    )
  }
  const given = givenFingerprint
    ? ` It does not match the fingerprint given (${givenFingerprint}).`
    : ''
  return new AppError(
    'HOST_KEY_UNTRUSTED',
    `The server's ${seen.type} host key is not trusted yet: ${seen.sha256} (${seen.md5}).${given} Once SameGoal confirms it, trust it with: ${accept}`,
    { extra },
  )
}

/** The refusal after the server turned the key down. */
export function authRefusal(
  username: string,
  methodsOffered: readonly string[],
): AppError {
  const extra = { methodsOffered: [...methodsOffered] }

  if (methodsOffered.length === 0 || methodsOffered.includes('publickey')) {
    return new AppError(
      'AUTH_REFUSED',
      `The server refused the key for the account "${username}".`,
      { extra, details: 'All configured authentication methods failed' },
    )
  }
  return new AppError(
    'AUTH_METHOD_UNSUPPORTED',
    `The server does not accept keys for "${username}"; it offered only: ${methodsOffered.join(', ')}.`,
    { extra, details: 'All configured authentication methods failed' },
  )
}

/** Names the cause of a failed connection set-up. */
export function setupError(
  error: unknown,
  facts: HandshakeFacts,
  where: string,
  username: string,
): AppError {
  if (error instanceof AppError) return error
  if (facts.hostKeyError) return facts.hostKeyError
  if (facts.authError) return facts.authError

  const raw = facts.rawError ?? (error as Error & { level?: string })
  const details = raw?.message ?? String(error)

  if (/no matching|handshake failed/i.test(details)) {
    return new AppError(
      'NO_COMMON_ALGORITHMS',
      `${where} and this computer share no encryption method.`,
      { details },
    )
  }
  if (raw?.level === 'client-authentication') {
    return new AppError(
      'AUTH_REFUSED',
      `The server refused the key for the account "${username}".`,
      { details },
    )
  }
  if (raw?.level === 'client-timeout' && !facts.authStarted) {
    return new AppError(
      'HANDSHAKE_FAILED',
      `${where} greeted, but the secure connection was not set up in time.`,
      { details },
    )
  }
  if (raw?.level === 'client-timeout') {
    return new AppError(
      'SERVER_NOT_RESPONDING',
      `${where} stopped responding during login: server stopped responding.`,
      { details },
    )
  }
  if (facts.serverKey === undefined) {
    return new AppError(
      'HANDSHAKE_FAILED',
      `The secure connection to ${where} could not be set up.`,
      { details },
    )
  }
  if (facts.loggedIn && /sftp|subsystem|channel/i.test(details)) {
    return sftpUnavailable(where, details)
  }
  return new AppError(
    'CONNECTION_LOST',
    `The connection to ${where} dropped during setup.`,
    { details },
  )
}

/** SFTP could not be opened after a successful login. */
export function sftpUnavailable(where: string, details: string): AppError {
  return new AppError(
    'SFTP_UNAVAILABLE',
    `${where} accepted the key but does not offer SFTP for this account.`,
    { details },
  )
}

/** Why an open session ended on its own, as the user should hear it. */
export function lostError(raw: Error & { level?: string }, where: string) {
  if (raw.level === 'client-timeout') {
    return new AppError(
      'SERVER_NOT_RESPONDING',
      `${where} stopped responding: server stopped responding (no answer to keepalive messages).`,
      { details: raw.message },
    )
  }
  return new AppError(
    'CONNECTION_LOST',
    `The connection to ${where} dropped.`,
    { details: raw.message },
  )
}

/** Adds the server's host key, once seen, to any set-up failure. */
export function withServerKey(
  error: AppError,
  serverKey: ServerKey | undefined,
  hostKeyAccepted = false,
): AppError {
  if (!serverKey || error.extra?.['serverKey']) return error

  return new AppError(error.code, error.message, {
    ...(error.details ? { details: error.details } : {}),
    // Accepted: the technician trusted this key for this connection and it
    // passed, even though a later phase failed.
    extra: {
      ...error.extra,
      serverKey,
      ...(hostKeyAccepted ? { hostKeyAccepted } : {}),
    },
  })
}
