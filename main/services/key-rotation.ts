import { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'
import type { DistrictStore } from './district-store'
import { promotePendingKey, readPrivateKey } from './keys'
import type { Logger } from './logger'

/**
 * Key choice for every login. A pending key is tried first; while SameGoal
 * has not installed it yet the server refuses it and the current key logs
 * in instead, so the nightly run keeps working during a change of key. The
 * first login the pending key makes promotes it to the current key.
 */
export async function withDistrictKey<T>(
  store: DistrictStore,
  district: DistrictSettings,
  log: Logger,
  login: (privateKey: string) => Promise<T>,
  passphrase?: string,
): Promise<T> {
  const pending = district.pendingKey
  const current = () => readPrivateKey(store, district, 'current', passphrase)
  if (!pending || pending.encrypted) return login(await current())

  let session: T
  try {
    session = await login(await readPrivateKey(store, district, 'pending'))
  } catch (error) {
    const refused = error instanceof AppError && error.code === 'AUTH_REFUSED'
    if (!refused || !district.key) throw error

    log.info(
      { domain: district.domain, pending: pending.sha256 },
      'new key not accepted yet; logging in with the current key',
    )
    return login(await current())
  }

  await promotePendingKey(store, district.domain, pending.sha256)
  log.info(
    { domain: district.domain, sha256: pending.sha256 },
    'new key logged in; it is now the key in use',
  )
  return session
}
