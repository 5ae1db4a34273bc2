import type { DistrictView } from '../shared/reports'
import type { WizardStep } from '../shared/wizard-steps'
import { PracticeShareStep } from './practice-share-step'
import { ConnectStep } from './steps/connect-step'
import { KeyStep } from './steps/key-step'
import { ScheduleStep } from './steps/schedule-step'
import { ShareStep } from './steps/share-step'
import { StatusStep } from './steps/status-step'

export interface StepProps {
  readonly district: DistrictView
  readonly onChanged: () => Promise<void>
  readonly onNext: (step: WizardStep) => void
}

/** Shows the chosen step; the compiler checks that every step is covered. */
export function StepView({
  step,
  ...props
}: StepProps & { readonly step: WizardStep }) {
  switch (step) {
    case 'key':
      return <KeyStep {...props} />
    case 'share':
      // A practice district's key goes to the practice server, never to SameGoal.
      return props.district.settings.practice ? (
        <PracticeShareStep {...props} />
      ) : (
        <ShareStep {...props} />
      )
    case 'connect':
      return <ConnectStep {...props} />
    case 'schedule':
      return <ScheduleStep {...props} />
    case 'status':
      return <StatusStep {...props} />
  }
}
