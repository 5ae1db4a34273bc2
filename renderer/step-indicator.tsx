import { WIZARD_STEPS, type WizardStep } from '../shared/wizard-steps'

/** The numbered step bar; each step is a button so the keyboard reaches it. */
export function StepIndicator({
  current,
  onSelect,
}: {
  readonly current: WizardStep
  readonly onSelect: (step: WizardStep) => void
}) {
  return (
    <nav aria-label="Setup steps">
      <ol className="steps">
        {WIZARD_STEPS.map((step, i) => (
          <li key={step.id}>
            <button
              type="button"
              className={step.id === current ? 'step step-current' : 'step'}
              aria-current={step.id === current ? 'step' : undefined}
              onClick={() => onSelect(step.id)}
            >
              <span className="step-number">{i + 1}</span>
              {step.title}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  )
}
