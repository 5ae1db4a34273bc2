import type { FleetReport } from '../../shared/status-reports'
import { readAlertSettings } from './alert-settings'
import { fleetAlerts } from './alerts'
import type { ServiceContext } from './context'
import { readFleet } from './fleet'

/** The part of the desktop that shows a notification. */
export interface Notifier {
  notify(title: string, body: string): void
}

/**
 * The wizard's home screen: reads the fleet and, after a check that
 * connected, shows a desktop notification for each district that failed,
 * could not be checked, is stuck or went stale (unless turned off).
 */
export async function readFleetAndNotify(
  ctx: ServiceContext,
  notifier: Notifier,
  probe: boolean,
): Promise<FleetReport> {
  const report = await readFleet(ctx, { probe })
  if (!probe || !(await readAlertSettings(ctx.layout)).desktop) return report

  for (const alert of fleetAlerts(report))
    notifier.notify(alert.title, alert.body)
  return report
}
