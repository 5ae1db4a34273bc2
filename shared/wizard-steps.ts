/** The five documented steps, in order. The wizard's container switches over this union. */
export type WizardStep = 'key' | 'share' | 'connect' | 'schedule' | 'status'

export const WIZARD_STEPS: readonly {
  readonly id: WizardStep
  readonly title: string
}[] = [
  { id: 'key', title: 'Keypair' },
  { id: 'share', title: 'Share the key' },
  { id: 'connect', title: 'Test connection' },
  { id: 'schedule', title: 'Nightly upload' },
  { id: 'status', title: 'Confirm processing' },
]
