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
