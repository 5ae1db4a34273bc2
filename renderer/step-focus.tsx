import { useEffect, useRef, type ReactNode } from 'react'

/**
 * Moves keyboard focus to the step's heading whenever the shown step
 * changes, so a keyboard or screen-reader user lands at the top of the new
 * step instead of on a button that no longer exists. Steps that load first
 * get their heading a moment later; the focus waits for it.
 */
export function StepFocus({
  stepKey,
  children,
}: {
  readonly stepKey: string
  readonly children: ReactNode
}) {
  const box = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const root = box.current
    if (!root) return

    const focusHeading = (): boolean => {
      const heading = root.querySelector<HTMLElement>('h3')
      if (!heading) return false
      heading.tabIndex = -1
      heading.focus({ preventScroll: false })
      return true
    }
    if (focusHeading()) return

    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect()
    })
    observer.observe(root, { childList: true, subtree: true })
    const stop = setTimeout(() => observer.disconnect(), 3000)
    return () => {
      observer.disconnect()
      clearTimeout(stop)
    }
  }, [stepKey])

  return (
    <div ref={box} className="step-focus">
      {children}
    </div>
  )
}
