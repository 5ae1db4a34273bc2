import { runCli, type RunOptions } from '../../main/cli/program'

export interface InProcessResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly json: Record<string, unknown>
}

/** Runs the CLI inside the test process, capturing what it prints. */
export async function cliInProcess(
  home: string,
  args: readonly string[],
  overrides: RunOptions['overrides'] = {},
): Promise<InProcessResult> {
  let stdout = ''
  let stderr = ''
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
  }
  const code = await runCli(['--home', home, ...args], { io, overrides })

  let json: Record<string, unknown> = {}
  if (args.includes('--json'))
    json = JSON.parse(stdout) as Record<string, unknown>
  return { code, stdout, stderr, json }
}
