import type { CheckPhase } from '../../shared/reports'
import type { DistrictSettings } from '../../shared/settings-schema'
import type { ServiceContext } from './context'
import { readPrivateKey } from './keys'
import type { Logger } from './logger'
import {
  openSession,
  type HostKeyPolicy,
  type SftpSession,
} from './sftp-session'

/** Opens an SFTP session for a district with its own key and host settings. */
export async function openDistrictSession(
  ctx: ServiceContext,
  district: DistrictSettings,
  hostKey: HostKeyPolicy,
  options: { log?: Logger; onPhase?: (phase: CheckPhase) => void } = {},
): Promise<SftpSession> {
  const privateKey = await readPrivateKey(ctx.store, district)

  return openSession({
    host: district.host,
    port: district.port,
    username: district.domain,
    privateKey,
    hostKey,
    log: options.log ?? ctx.log,
    ...(ctx.timeouts ? { timeouts: ctx.timeouts } : {}),
    ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
    ...(options.onPhase ? { onPhase: options.onPhase } : {}),
  })
}
