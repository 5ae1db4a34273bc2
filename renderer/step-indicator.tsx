import type { DistrictView } from '../shared/reports'
import { WIZARD_STEPS, type WizardStep } from '../shared/wizard-steps'

/** The steps a district has already been through, from its saved state. */
export function stepsDone(district: DistrictView): WizardStep[] {
  const { settings, lastRun } = district
  const done: WizardStep[] = []

  if (settings.key) done.push('key')
  if (settings.keyShared) done.push('share')
  // A host key is pinned only by a connection test that got all the way in.
  if (settings.hostKey) done.push('connect')
  if (lastRun?.result === 'success') done.push('schedule')
  return done
}

/** The numbered step bar; each step is a button so the keyboard reaches it. */
export function StepIndicator({
  current,
  done = [],
  onSelect,
}: {
  readonly current: WizardStep
  readonly done?: readonly WizardStep[]
  readonly onSelect: (step: WizardStep) => void
}) {
  return (
    <nav aria-label="Setup steps">
      <ol className="steps">
        {WIZARD_STEPS.map((step, i) => {
          const isCurrent = step.id === current
          const isDone = done.includes(step.id)
          const classes = [
            'step',
            isCurrent ? 'step-current' : '',
            isDone ? 'step-done' : '',
          ]

          return (
            <li key={step.id}>
              <button
                type="button"
                className={classes.filter(Boolean).join(' ')}
                aria-current={isCurrent ? 'step' : undefined}
                onClick={() => onSelect(step.id)}
              >
                <span className="step-number" aria-hidden="true">
                  {isDone && !isCurrent ? '\u2713' : i + 1}
                </span>
                <span className="visually-hidden">Step {i + 1}: </span>
                {step.title}
                {isDone ? (
                  <span className="visually-hidden"> (done)</span>
                ) : null}
              </button>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
