import type { CheckPhase } from './reports'

/**
 * The connection test's phases in order, with the words the wizard, the
 * CLI and the diagnostic report all use for them.
 */
export const CHECK_PHASES: readonly {
  readonly id: CheckPhase
  readonly label: string
}[] = [
  { id: 'resolve', label: 'Look up the server name' },
  { id: 'connect', label: 'Connect' },
  { id: 'greet', label: 'Server answers as SSH' },
  { id: 'verify-host', label: 'Check the server\u2019s identity' },
  { id: 'authenticate', label: 'Log in with the district\u2019s key' },
  { id: 'open-sftp', label: 'Open SFTP' },
  { id: 'list-folders', label: 'Read /upload and /upload-processed' },
]

/** The label of one phase. */
export function phaseLabel(phase: CheckPhase): string {
  return CHECK_PHASES.find((p) => p.id === phase)?.label ?? phase
}
