import type { EpochState } from './reports'

/**
 * What the processing status and the fleet view report beyond one epoch's
 * state: result row counts, epochs that are not ours, left-overs, and one
 * row per district for the home screen and `status --all`.
 */

/** Data rows (header not counted) in the result files SameGoal wrote. */
export interface ResultRows {
  readonly students?: number
  readonly guardians?: number
}

export interface ForeignEpoch {
  readonly epoch: string
  readonly location: '/upload' | '/upload-processed'
}

export interface LeftoverEpoch {
  readonly epoch: string
  readonly location: '/upload'
  readonly ageHours: number
  readonly files: readonly string[]
  /** True when our own history names this epoch (a run that failed). */
  readonly ours: boolean
}

/** The last connection outcome recorded for a district. */
export interface ConnectionState {
  readonly at: string
  readonly ok: boolean
  readonly code?: string
  readonly message?: string
  readonly via: 'check' | 'status' | 'upload'
}

/** A district's state on the home screen, worst first. */
export type FleetState =
  | 'unreachable'
  | 'failed'
  | 'stuck'
  | 'stale'
  | 'problems'
  | 'pending'
  | 'ok'
  | 'new'

export const FLEET_STATES: readonly FleetState[] = [
  'unreachable',
  'failed',
  'stuck',
  'stale',
  'problems',
  'pending',
  'ok',
  'new',
]

export interface FleetRow {
  readonly domain: string
  readonly name: string
  /** A practice district, shown with its practice mark. */
  readonly practice?: boolean
  readonly state: FleetState
  /** The error code behind an unreachable or failed state. */
  readonly code?: string
  readonly message?: string
  readonly stale: boolean
  readonly lastRun?: {
    readonly at: string
    readonly result: 'success' | 'failed' | 'refused'
    readonly epoch?: string
    readonly code?: string
  }
  readonly latest?: { readonly epoch: string; readonly state: EpochState }
  readonly lastProcessed?: {
    readonly epoch: string
    readonly at: string
    readonly ageHours: number
  }
  readonly at: string
  readonly nextRun: string
  readonly keyFingerprint?: string
  readonly connection?: ConnectionState
}

export interface FleetReport {
  readonly checkedAt: string
  /** False when the rows come from recorded facts only, without connecting. */
  readonly probed: boolean
  readonly staleAfterHours: number
  readonly districts: readonly FleetRow[]
  readonly counts: Readonly<Record<FleetState, number>>
}
