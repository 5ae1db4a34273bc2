/**
 * Decides, from the command line alone, whether the packaged app opens the
 * wizard or runs one headless command (as the OS scheduler starts it).
 * Kept free of Electron so it is tested in plain Node.
 */

export const HEADLESS_FLAG = '--headless'

export type LaunchMode =
  | { readonly kind: 'wizard' }
  | { readonly kind: 'headless'; readonly args: readonly string[] }

/** Reads the mode from the process arguments (after the executable and app path). */
export function launchMode(argv: readonly string[]): LaunchMode {
  const at = argv.indexOf(HEADLESS_FLAG)
  if (at === -1) return { kind: 'wizard' }

  return { kind: 'headless', args: argv.slice(at + 1) }
}

/**
 * A headless run never takes the single-instance lock, so a wizard that is
 * open when the scheduler fires can never swallow the nightly upload.
 */
export function wantsSingleInstanceLock(mode: LaunchMode): boolean {
  return mode.kind === 'wizard'
}

/** What the main process does for a mode; decided here, not in main.ts. */
export interface LaunchPlan {
  readonly createWindow: boolean
  readonly singleInstanceLock: boolean
  /** macOS: no Dock icon for a run nobody watches. */
  readonly hideDock: boolean
}

/** The plan for a mode: a headless run opens nothing and locks nothing. */
export function launchPlan(mode: LaunchMode): LaunchPlan {
  const wizard = mode.kind === 'wizard'

  return {
    createWindow: wizard,
    singleInstanceLock: wantsSingleInstanceLock(mode),
    hideDock: !wizard,
  }
}
