import { useCallback, useEffect, useState } from 'react'
import type { DistrictView } from '../shared/reports'
import type { WizardStep } from '../shared/wizard-steps'
import { call, errorData } from './api'
import { DistrictList } from './district-list'
import type { ErrorData } from '../shared/errors'
import { ErrorBox } from './error-box'
import { FleetView } from './fleet-view'
import { PracticeBadge, PracticeStart } from './practice'
import { StepFocus } from './step-focus'
import { StepIndicator, stepsDone } from './step-indicator'
import { StepView } from './step-view'

/** The wizard: districts on the left, the five steps for the chosen one on the right. */
export function App() {
  const [districts, setDistricts] = useState<DistrictView[]>([])
  const [selected, setSelected] = useState<string>()
  const [step, setStep] = useState<WizardStep>('key')
  const [loadError, setLoadError] = useState<ErrorData>()

  const refresh = useCallback(async () => {
    try {
      setDistricts(await call('districts:list', {}))
      setLoadError(undefined)
    } catch (error) {
      setLoadError(errorData(error))
    }
  }, [])

  useEffect(() => {
    void refresh()
  }, [refresh])

  const current = districts.find((d) => d.settings.domain === selected)
  const choose = (domain: string): void => {
    setSelected(domain)
    setStep('key')
  }

  return (
    <div className="app">
      <aside className="sidebar" aria-label="Districts">
        <h1 className="brand">SameGoal Ascender</h1>
        {districts.length > 0 ? (
          <button
            type="button"
            className="all-districts"
            aria-pressed={current === undefined}
            onClick={() => setSelected(undefined)}
          >
            All districts
          </button>
        ) : null}
        <DistrictList
          districts={districts}
          selected={selected}
          onSelect={choose}
          onAdded={async (domain) => {
            await refresh()
            choose(domain)
          }}
        />
        <PracticeStart
          onStarted={async (domain) => {
            await refresh()
            choose(domain)
          }}
        />
      </aside>
      <main className="content">
        {loadError ? <ErrorBox error={loadError} /> : null}
        {current ? (
          <>
            <header className="content-header">
              <h2>{current.settings.name}</h2>
              <span className="muted">{current.settings.domain}</span>
              <PracticeBadge settings={current.settings} />
            </header>
            <StepIndicator
              current={step}
              done={stepsDone(current)}
              onSelect={setStep}
            />
            <StepFocus stepKey={`${current.settings.domain}-${step}`}>
              <StepView
                key={`${current.settings.domain}-${step}`}
                step={step}
                district={current}
                onChanged={refresh}
                onNext={setStep}
              />
            </StepFocus>
          </>
        ) : districts.length > 0 ? (
          <FleetView
            onSelect={choose}
            onAdded={async (domain) => {
              await refresh()
              choose(domain)
            }}
          />
        ) : (
          <section className="empty" aria-live="polite">
            <h2>Connect a district to SameGoal</h2>
            <p>
              Add a district on the left, or choose one, to walk through the
              five steps.
            </p>
          </section>
        )}
      </main>
    </div>
  )
}
