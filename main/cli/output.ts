import { toErrorData, type ErrorData } from '../../shared/errors'

/** What a command hands back: a JSON body and the same facts as text lines. */
export interface CommandOutput {
  readonly json: Record<string, unknown>
  readonly text: readonly string[]
  /** Non-zero when the command finished but the outcome is a failure. */
  readonly exitCode?: number
}

export interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** Prints a successful command's result. */
export function printResult(
  io: Io,
  json: boolean,
  output: CommandOutput,
): void {
  if (json) {
    io.stdout(
      `${JSON.stringify({ ok: output.exitCode ? false : true, ...output.json })}\n`,
    )
    return
  }

  if (output.text.length > 0) io.stdout(`${output.text.join('\n')}\n`)
}

/** Prints a failure; JSON keeps one object on stdout, text goes to stderr. */
export function printError(io: Io, json: boolean, error: unknown): ErrorData {
  const data = toErrorData(error)

  if (json) {
    const { extra, ...rest } = data
    io.stdout(`${JSON.stringify({ ok: false, ...rest, ...(extra ?? {}) })}\n`)
    return data
  }

  const lines = [`Error: ${data.message}`, `What to do: ${data.whatToDo}`]
  if (data.details) lines.push(`Details: ${data.details}`)
  io.stderr(`${lines.join('\n')}\n`)
  return data
}
