import { useCallback, useState } from 'react'
import type { ErrorData } from '../shared/errors'
import { errorData } from './api'

export interface ActionState<T> {
  readonly busy: boolean
  readonly error?: ErrorData
  readonly result?: T
  run(): Promise<void>
  /** Forgets the last outcome, once something else made it out of date. */
  reset(): void
}

/** Runs an async action with busy, error and result state for a button. */
export function useAction<T>(
  action: () => Promise<T>,
  onDone?: (result: T) => void,
): ActionState<T> {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorData>()
  const [result, setResult] = useState<T>()

  const run = useCallback(async () => {
    // The button is disabled while busy, which drops keyboard focus to
    // the page; it goes back to where it was once the button is usable.
    const origin =
      document.activeElement instanceof HTMLElement
        ? document.activeElement
        : undefined
    setBusy(true)
    setError(undefined)
    try {
      const value = await action()
      setResult(value)
      onDone?.(value)
    } catch (caught) {
      // A success from an earlier try must not stand beside this failure.
      setResult(undefined)
      setError(errorData(caught))
    } finally {
      setBusy(false)
      if (origin && origin !== document.body) restoreFocus(origin)
    }
  }, [action, onDone])

  const reset = useCallback(() => {
    setError(undefined)
    setResult(undefined)
  }, [])

  return {
    busy,
    run,
    reset,
    ...(error ? { error } : {}),
    ...(result !== undefined ? { result } : {}),
  }
}

// Once the re-render has enabled the button again (a few frames at most),
// unless the user has put focus somewhere else meanwhile.
function restoreFocus(origin: HTMLElement, tries = 30): void {
  setTimeout(() => {
    const active = document.activeElement
    if ((active && active !== document.body) || !origin.isConnected) return
    if ((origin as HTMLButtonElement).disabled) {
      if (tries > 0) restoreFocus(origin, tries - 1)
      return
    }
    origin.focus()
  }, 16)
}
