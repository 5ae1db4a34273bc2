import type { CheckPhase } from '../../shared/reports'
import type { DistrictSettings } from '../../shared/settings-schema'
import { connectionSettings } from './connection-settings'
import type { ServiceContext } from './context'
import { withDistrictKey } from './key-rotation'
import type { Logger } from './logger'
import {
  openSession,
  type HostKeyPolicy,
  type SftpSession,
  type Timeouts,
} from './sftp-session'

/** Opens an SFTP session for a district with its own key and host settings. */
export async function openDistrictSession(
  ctx: ServiceContext,
  district: DistrictSettings,
  hostKey: HostKeyPolicy,
  options: {
    log?: Logger
    onPhase?: (phase: CheckPhase) => void
    timeouts?: Partial<Timeouts>
  } = {},
): Promise<SftpSession> {
  const log = options.log ?? ctx.log

  return withDistrictKey(
    ctx.store,
    district,
    log,
    (privateKey) =>
      openSession({
        host: district.host,
        port: district.port,
        username: district.domain,
        privateKey,
        hostKey,
        log,
        ...connectionSettings(ctx, district, options.timeouts),
        ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
        ...(options.onPhase ? { onPhase: options.onPhase } : {}),
      }),
    ctx.passphrase,
  )
}
