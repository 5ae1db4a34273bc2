import type { DistrictSettings } from '../../shared/settings-schema'
import type { ServiceContext } from './context'
import { parseProxyUrl, type ProxySpec } from './proxy-tunnel'
import type { Timeouts } from './sftp-session'

/**
 * A district's network settings as the session needs them: its proxy, and
 * its phase time limits, where a flag for this one run beats the service
 * context (tests, the CLI), which beats the district's settings.
 */
export function connectionSettings(
  ctx: ServiceContext,
  district: DistrictSettings,
  forThisRun: Partial<Timeouts> = {},
): { timeouts: Partial<Timeouts>; proxy?: ProxySpec } {
  const timeouts = {
    ...districtTimeouts(district),
    ...ctx.timeouts,
    ...forThisRun,
  }

  return district.proxy
    ? { timeouts, proxy: parseProxyUrl(district.proxy) }
    : { timeouts }
}

function districtTimeouts(district: DistrictSettings): Partial<Timeouts> {
  const t = district.timeouts ?? {}
  const ms = (seconds: number | undefined) =>
    seconds === undefined ? undefined : Math.round(seconds * 1000)
  const entries = {
    resolveMs: ms(t.resolve),
    connectMs: ms(t.connect),
    greetingMs: ms(t.greeting),
    handshakeMs: ms(t.login),
    keepaliveMs: ms(t.keepalive),
  }

  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined),
  ) as Partial<Timeouts>
}
