/**
 * Reading `schtasks /Query /V /FO LIST` output. The labels are the English
 * ones; on a Windows set to another display language they differ.
 * TODO: read back with `schtasks /Query /XML` as well, whose element names
 * do not depend on the display language; that needs a Windows machine to
 * confirm the exact output for a task in a folder.
 */

/** The first task's "Label: value" lines, keyed by label. */
export function parseTaskList(stdout: string): Map<string, string> {
  const fields = new Map<string, string>()

  for (const line of stdout.split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z /]*?):\s+(.*)$/.exec(line)
    if (!match) continue
    const [, label = '', value = ''] = match
    // A task with several triggers repeats its fields: keep the first.
    if (!fields.has(label)) fields.set(label, value.trim())
  }
  return fields
}

interface LastResult {
  readonly text: string
  /** Set when the result means the task cannot run as registered. */
  readonly warning?: string
}

const KNOWN: Record<number, LastResult> = {
  0: { text: 'success (0)' },
  0x41300: { text: 'ready to run' },
  0x41301: { text: 'running now' },
  0x41303: { text: 'has not run yet' },
  0x41306: { text: 'stopped by the user' },
  0x8007052e: {
    text: 'logon failure (0x8007052E): wrong user name or password',
    warning:
      'The task cannot log on: the stored password is wrong or has changed. Install the schedule again with the current password.',
  },
  0x80070569: {
    text: 'logon failure (0x80070569): logon type not granted',
    warning:
      'The account lacks the "Log on as a batch job" right, so the task cannot run while logged off. Grant it in Local Security Policy, then install again.',
  },
  0x80070002: {
    text: 'program not found (0x80070002)',
    warning:
      'The program the task starts no longer exists. Run schedule install again to repair the task.',
  },
  0x8007010b: {
    text: 'working folder not found (0x8007010B)',
    warning:
      'The folder the task starts in no longer exists. Run schedule install again to repair the task.',
  },
  0x80070005: {
    text: 'access denied (0x80070005)',
    warning: 'Windows denied the task access when it last ran.',
  },
}

/** Says in words what a task's "Last Result" number means. */
export function describeLastResult(raw: string): LastResult {
  const value = raw.trim().toLowerCase().startsWith('0x')
    ? Number.parseInt(raw.trim(), 16)
    : Number(raw.trim())
  if (!Number.isFinite(value)) return { text: raw.trim() }

  const unsigned = value < 0 ? value + 2 ** 32 : value
  const known = KNOWN[unsigned]
  if (known) return known

  if (unsigned > 0 && unsigned < 256) {
    return {
      text: `failed with exit code ${unsigned}`,
      warning: `The last nightly run failed with exit code ${unsigned}; its log file is in the home's logs folder.`,
    }
  }
  return { text: `0x${unsigned.toString(16).toUpperCase()}` }
}
