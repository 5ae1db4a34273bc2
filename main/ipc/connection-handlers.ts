import { normalizeDomain } from '../../shared/domain'
import { toErrorData } from '../../shared/errors'
import type { RequestPayload, ResponseTypes } from '../../shared/ipc-contract'
import type { CheckReport } from '../../shared/reports'
import { checkConnection } from '../services/connection-check'
import { withConnectionRecord } from '../services/connection-record'
import type { ServiceContext } from '../services/context'
import {
  diagnosticReport,
  type CheckOutcome,
} from '../services/diagnostic-report'
import { waitForKey } from '../services/key-sync-wait'
import type { Desktop } from './desktop'
import type { Emit } from './handlers'

type ConnectionChannel =
  | 'connection:check'
  | 'connection:wait-for-key'
  | 'connection:stop-waiting'
  | 'connection:report'

type ConnectionHandlers = {
  [C in ConnectionChannel]: (
    payload: RequestPayload<C>,
  ) => Promise<ResponseTypes[C]>
}

/**
 * Step 3's handlers: the connection test, the key-sync wait with its
 * countdown events and a way to stop it, and the diagnostic report of the
 * latest test, copied for the technician to paste into an email.
 */
export function connectionHandlers(
  ctx: ServiceContext,
  desktop: Desktop,
  emit: Emit,
): ConnectionHandlers {
  const outcomes = new Map<string, CheckOutcome>()
  const waits = new Map<string, AbortController>()

  // Every test, passed or failed, is what "Copy report" describes next.
  const remember = async (
    domain: string,
    work: () => Promise<CheckReport>,
  ): Promise<CheckReport> => {
    const at = ctx.now().toISOString()
    try {
      const report = await work()
      outcomes.set(normalizeDomain(domain), { at, report })
      return report
    } catch (error) {
      outcomes.set(normalizeDomain(domain), { at, error: toErrorData(error) })
      throw error
    }
  }
  const trustOf = (fingerprint: string | undefined) =>
    fingerprint ? { fingerprint } : {}

  return {
    // A passphrase, when given, unlocks the key for this one test only.
    'connection:check': ({ domain, trustFingerprint, passphrase }) =>
      remember(domain, () =>
        withConnectionRecord(ctx.layout, domain, 'check', ctx.now, () =>
          checkConnection(
            passphrase ? { ...ctx, passphrase } : ctx,
            domain,
            trustOf(trustFingerprint),
            (phase) => emit('connection:phase', { domain, phase }),
          ),
        ),
      ),

    'connection:wait-for-key': ({ domain, minutes, trustFingerprint }) => {
      const key = normalizeDomain(domain)
      waits.get(key)?.abort()
      const controller = new AbortController()
      waits.set(key, controller)

      return remember(domain, () =>
        waitForKey(ctx, domain, {
          trust: trustOf(trustFingerprint),
          desktop,
          signal: controller.signal,
          onTick: (tick) => emit('connection:key-wait', tick),
          check: {
            onPhase: (phase) => emit('connection:phase', { domain, phase }),
          },
          ...(minutes ? { windowMs: minutes * 60_000 } : {}),
        }),
      ).finally(() => {
        if (waits.get(key) === controller) waits.delete(key)
      })
    },

    'connection:stop-waiting': async ({ domain }) => {
      const controller = waits.get(normalizeDomain(domain))
      controller?.abort()
      return { stopped: controller !== undefined }
    },

    'connection:report': async ({ domain }) => {
      const district = await ctx.store.get(domain)
      const text = diagnosticReport(district, outcomes.get(district.domain))
      desktop.copyText(text)
      return { text, copied: true }
    },
  }
}
