import type { DistrictSettings } from './settings-schema'

/** What the practice server reports to the wizard. */

export interface PracticeStart {
  /** The sample practice district, made the first time. */
  readonly district: DistrictSettings
  readonly port: number
  /** How long a sent key takes to work, as SameGoal's sync does. */
  readonly syncDelaySeconds: number
}

export interface PracticeKeyDelivery {
  readonly domain: string
  readonly deliveredAt: string
  /** From when the practice server accepts the key. */
  readonly usableAt: string
}
