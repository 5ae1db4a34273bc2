import fs from 'node:fs'
import path from 'node:path'
import {
  runCommand,
  type CommandRunner,
} from '../../main/services/schedule/command-runner'

/**
 * Stand-ins for schtasks and launchctl: small shell scripts placed first
 * on PATH that record every call's arguments and answer with the real
 * tools' words and exit codes. `mode` files pick the answer.
 */

const SCHTASKS = `#!/bin/sh
dir=$(dirname "$0")
{ echo '---'; for a in "$@"; do printf '%s\\n' "$a"; done; } >> "$dir/schtasks.calls"
prev=''
for a in "$@"; do
  if [ "$prev" = /XML ]; then cp "$a" "$dir/last-task.xml"; fi
  prev=$a
done
mode=$(cat "$dir/schtasks.mode" 2>/dev/null || echo success)
case "$1" in
  /Create)
    case "$mode" in
      access-denied) echo 'ERROR: Access is denied.'; exit 1 ;;
      logon-failure) echo 'ERROR: The user name or password is incorrect.'; exit 1 ;;
      batch-right) echo 'ERROR: Logon failure: the user has not been granted the requested logon type at this computer.'; exit 1 ;;
    esac
    cp "$dir/query-after-create.txt" "$dir/query.txt" 2>/dev/null
    echo "SUCCESS: The scheduled task \\"$4\\" has successfully been created."
    exit 0 ;;
  /Query)
    if [ -f "$dir/query.txt" ]; then cat "$dir/query.txt"; exit 0; fi
    echo 'ERROR: The system cannot find the file specified.'; exit 1 ;;
  /Delete)
    if [ -f "$dir/query.txt" ]; then rm "$dir/query.txt"; echo "SUCCESS: The scheduled task \\"$3\\" was successfully deleted."; exit 0; fi
    echo 'ERROR: The system cannot find the file specified.'; exit 1 ;;
esac
echo 'ERROR: Invalid argument/option.'; exit 1
`

const LAUNCHCTL = `#!/bin/sh
dir=$(dirname "$0")
{ echo '---'; for a in "$@"; do printf '%s\\n' "$a"; done; } >> "$dir/launchctl.calls"
mode=$(cat "$dir/launchctl.mode" 2>/dev/null || echo success)
case "$1" in
  bootstrap)
    case "$mode" in
      not-permitted) echo 'Bootstrap failed: 1: Operation not permitted' >&2; exit 1 ;;
      no-gui) echo 'Bootstrap failed: 125: Domain does not support specified action' >&2; exit 125 ;;
    esac
    if [ ! -f "$3" ]; then echo 'Bootstrap failed: 5: Input/output error' >&2; exit 5; fi
    touch "$dir/loaded"; exit 0 ;;
  bootout)
    if [ -f "$dir/loaded" ]; then rm "$dir/loaded"; exit 0; fi
    echo 'Boot-out failed: 3: No such process' >&2; exit 3 ;;
  print)
    if [ -f "$dir/loaded" ]; then
      printf '%s = {\\n\\tactive count = 0\\n\\tstate = not running\\n\\truns = 2\\n\\tlast exit code = 7\\n}\\n' "$2"
      exit 0
    fi
    echo "Could not find service \\"$2\\" in domain for port" >&2; exit 113 ;;
esac
exit 64
`

export interface StandIns {
  readonly dir: string
  readonly runner: CommandRunner
  /** The answer the named tool gives from now on. */
  setMode(tool: 'schtasks' | 'launchctl', mode: string): void
  /** Every call to the tool so far, each as its argument list. */
  calls(tool: 'schtasks' | 'launchctl'): string[][]
  file(name: string): string
}

/** Writes the stand-ins into `dir` and a runner with them first on PATH. */
export function makeStandIns(dir: string): StandIns {
  fs.mkdirSync(dir, { recursive: true })
  for (const [name, text] of [
    ['schtasks', SCHTASKS],
    ['launchctl', LAUNCHCTL],
  ] as const) {
    fs.writeFileSync(path.join(dir, name), text, { mode: 0o755 })
  }
  const env = { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}` }

  return {
    dir,
    runner: (program, args, request = {}) =>
      runCommand(program, args, { ...request, env: request.env ?? env }),
    setMode: (tool, mode) =>
      fs.writeFileSync(path.join(dir, `${tool}.mode`), mode),
    calls: (tool) => {
      const file = path.join(dir, `${tool}.calls`)
      if (!fs.existsSync(file)) return []
      return fs
        .readFileSync(file, 'utf8')
        .split('---\n')
        .filter(Boolean)
        .map((call) => call.replace(/\n$/, '').split('\n'))
    },
    file: (name) => path.join(dir, name),
  }
}
