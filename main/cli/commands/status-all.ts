import { AppError, errorCatalog } from '../../../shared/errors'
import {
  FLEET_STATES,
  type FleetRow,
  type FleetState,
} from '../../../shared/status-reports'
import { emailFleetAlerts } from '../../services/alerts'
import type { ServiceContext } from '../../services/context'
import { needsAttention, readFleet, sortRows } from '../../services/fleet'
import type { CommandOutput } from '../output'

export interface FleetFlags {
  readonly offline?: boolean
  readonly state?: string
  readonly sort?: string
  readonly alert?: boolean
}

/**
 * `status --all`: one row per district. Exits 12 (FLEET_ATTENTION) when any
 * district is unreachable, failed, stuck or stale; every row still shows.
 */
export async function fleetOutput(
  ctx: ServiceContext,
  flags: FleetFlags,
): Promise<CommandOutput> {
  const states = stateFilter(flags.state)
  const sort = sortKey(flags.sort)
  const report = await readFleet(ctx, { probe: flags.offline !== true })
  const rows = sortRows(
    report.districts.filter((row) => !states || states.includes(row.state)),
    sort,
  )

  const alerted = flags.alert ? await emailFleetAlerts(ctx, report) : undefined
  const attention = report.districts.filter((r) => needsAttention(r.state))
  const message = `${attention.length} of ${report.districts.length} district(s) need attention: ${attention.map((r) => `${r.domain} ${r.state}`).join(', ')}.`
  const exitCode = errorCatalog.FLEET_ATTENTION.exitCode
  const problem = attention.length
    ? { code: 'FLEET_ATTENTION', message, exitCode }
    : {}

  return {
    json: {
      ...report,
      districts: rows,
      ...(alerted ? { emailed: alerted.sent } : {}),
      ...(alerted?.notSent ? { emailNotSent: alerted.notSent } : {}),
      ...problem,
    },
    text: [
      ...fleetText(rows),
      ...(attention.length ? [message] : []),
      ...(alerted
        ? [
            alerted.sent
              ? 'Alert email sent.'
              : `No alert email sent: ${alerted.notSent ?? 'nothing to send'}.`,
          ]
        : []),
    ],
    ...(attention.length ? { exitCode } : {}),
  }
}

function fleetText(rows: readonly FleetRow[]): string[] {
  if (rows.length === 0) return ['No districts to show.']

  return rows.map((row) => {
    const processed = row.lastProcessed
      ? `processed ${row.lastProcessed.epoch} (${row.lastProcessed.ageHours} h ago)`
      : 'nothing processed yet'
    const run = row.lastRun ? `last run ${row.lastRun.result}` : 'no runs yet'
    const code = row.code ? ` [${row.code}]` : ''
    const practice = row.practice ? ' [practice]' : ''
    return `${row.state.padEnd(11)} ${row.domain}\t${row.name}${practice}\t${run}; ${processed}; next ${row.nextRun || 'not scheduled'}${code}`
  })
}

function stateFilter(value: string | undefined): FleetState[] | undefined {
  if (value === undefined) return undefined

  const wanted = value.split(',').map((s) => s.trim())
  const unknown = wanted.filter(
    (s) => !(FLEET_STATES as readonly string[]).includes(s),
  )
  if (unknown.length)
    throw new AppError(
      'INVALID_INPUT',
      `--state accepts ${FLEET_STATES.join(', ')}; not ${unknown.join(', ')}.`,
    )
  return wanted as FleetState[]
}

function sortKey(value: string | undefined): 'state' | 'name' | 'age' {
  if (value === undefined) return 'state'
  if (value === 'state' || value === 'name' || value === 'age') return value

  throw new AppError(
    'INVALID_INPUT',
    `--sort must be state, name or age, not "${value}".`,
  )
}
