import { runCli } from './program'

// The headless entry: `samegoal-ascender <command>` in plain Node.
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`Unexpected failure: ${String(error)}\n`)
    process.exitCode = 1
  },
)
