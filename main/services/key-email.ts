import fs from 'node:fs/promises'
import path from 'node:path'
import MailComposer from 'nodemailer/lib/mail-composer'
import { AppError } from '../../shared/errors'
import type { KeyState, KeyView } from '../../shared/reports'
import type { DistrictSettings } from '../../shared/settings-schema'
import type { DistrictStore } from './district-store'
import { isKeyUsableUnattended, keyToShare, keyView } from './keys'

/**
 * Step 2: getting the public key to SameGoal. The email is a draft for the
 * technician's own mail client (marked unsent, so Outlook and Thunderbird
 * open it for editing and sending from a work address); nothing is sent
 * from here.
 */

export const SAMEGOAL_SUPPORT = 'tier2help@samegoal.com'

export type ShareRoute = NonNullable<DistrictSettings['keyShared']>['route']

export interface EmailDraft {
  readonly file: string
  readonly subject: string
  readonly sha256: string
  readonly mailto: string
}

/** Writes the draft .eml with `<domain>.pub` attached and records the share. */
export async function writeKeyEmail(
  store: DistrictStore,
  domain: string,
  file?: string,
  now = new Date(),
): Promise<EmailDraft> {
  const district = await store.get(domain)
  const view = keyToShare(store, district)
  const target =
    file ??
    path.join(path.dirname(view.publicKeyFile), `${district.domain}.eml`)

  const message = await composeKeyEmail(district, view)
  try {
    await fs.writeFile(target, message)
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `The email draft ${target} could not be written.`,
      { cause: error },
    )
  }

  await recordKeyShared(store, district.domain, 'email', now)
  return {
    file: path.resolve(target),
    subject: emailSubject(district),
    sha256: view.sha256,
    mailto: keyMailto(district, view),
  }
}

/** The draft message as MIME bytes. */
export async function composeKeyEmail(
  district: DistrictSettings,
  view: KeyView,
): Promise<Buffer> {
  const composer = new MailComposer({
    to: SAMEGOAL_SUPPORT,
    subject: emailSubject(district),
    text: emailBody(district, view),
    headers: { 'X-Unsent': '1' },
    attachments: [
      {
        filename: `${district.domain}.pub`,
        content: Buffer.from(`${view.publicKey}\n`, 'utf8'),
        contentType: 'text/plain',
      },
    ],
  })
  return composer.compile().build()
}

function emailSubject(district: DistrictSettings): string {
  return `SFTP public key for ${district.name} (${district.domain})`
}

function emailBody(
  district: DistrictSettings,
  view: KeyView,
  withKey = false,
): string {
  const type = view.type === 'rsa' ? `RSA ${view.bits}-bit` : 'Ed25519'
  return [
    'Hello SameGoal support,',
    '',
    `Please install the attached public key for the SFTP account of ${district.name}.`,
    '',
    `District: ${district.name}`,
    `SFTP username (domain): ${district.domain}`,
    `Key type: ${type}`,
    `SHA256 fingerprint: ${view.sha256}`,
    ...(withKey ? ['', 'Public key:', view.publicKey] : []),
    '',
    'Thank you.',
    '',
  ].join('\n')
}

/** A mailto: link with the key in the body, for when no client opens .eml files. */
export function keyMailto(district: DistrictSettings, view: KeyView): string {
  const query = [
    `subject=${encodeURIComponent(emailSubject(district))}`,
    `body=${encodeURIComponent(emailBody(district, view, true).replace(/\n/g, '\r\n'))}`,
  ].join('&')
  return `mailto:${SAMEGOAL_SUPPORT}?${query}`
}

/** Records when and how the key to share reached SameGoal (or was readied). */
export async function recordKeyShared(
  store: DistrictStore,
  domain: string,
  route: ShareRoute,
  now = new Date(),
): Promise<DistrictSettings> {
  return store.update(domain, (current) => {
    const key = current.pendingKey ?? current.key
    if (!key) return current

    return {
      ...current,
      keyShared: { at: now.toISOString(), route, sha256: key.sha256 },
    }
  })
}

/** Records that the technician confirmed SameGoal installed the key. */
export async function recordKeyInstalled(
  store: DistrictStore,
  domain: string,
  now = new Date(),
): Promise<DistrictSettings> {
  return store.update(domain, (current) => {
    const key = current.pendingKey ?? current.key
    if (!key) return current

    const shared = current.keyShared ?? {
      at: now.toISOString(),
      route: 'web' as const,
    }
    return {
      ...current,
      keyShared: {
        ...shared,
        sha256: key.sha256,
        installedAt: now.toISOString(),
      },
    }
  })
}

/** Everything steps 1 and 2 show for a district's keys. */
export function readKeyState(
  store: DistrictStore,
  district: DistrictSettings,
): KeyState {
  const current = district.key ? keyView(store, district, 'current') : null
  const pending = district.pendingKey
    ? keyView(store, district, 'pending')
    : null
  const toShare = pending ?? current

  return {
    current,
    pending,
    toShare,
    ...(district.keyShared ? { shared: district.keyShared } : {}),
    ...(toShare ? { mailto: keyMailto(district, toShare) } : {}),
    usableUnattended: isKeyUsableUnattended(district),
  }
}

/** Where the wizard hands the draft or the mailto: link to the mail client. */
export interface MailOpener {
  openPath?(file: string): Promise<boolean>
  openExternal?(url: string): Promise<boolean>
}

/** The wizard's email button: writes the draft and opens it (or mailto:). */
export async function shareByEmail(
  store: DistrictStore,
  opener: MailOpener,
  domain: string,
  via: 'eml' | 'mailto',
): Promise<{ file: string; mailto: string; opened: boolean }> {
  const draft = await writeKeyEmail(store, domain)
  const opened =
    via === 'eml'
      ? ((await opener.openPath?.(draft.file)) ?? false)
      : ((await opener.openExternal?.(draft.mailto)) ?? false)

  return { file: draft.file, mailto: draft.mailto, opened }
}

/** Records a share (or its installation) and returns the new key state. */
export async function markKeyShared(
  store: DistrictStore,
  domain: string,
  route: ShareRoute,
  installed = false,
): Promise<KeyState> {
  const saved = installed
    ? await recordKeyInstalled(store, domain)
    : await recordKeyShared(store, domain, route)
  return readKeyState(store, saved)
}
