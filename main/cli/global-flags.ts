/**
 * The global flags `--home DIR` and `--json` may stand before or after the
 * command, so they are taken out of the arguments before the command
 * parser sees them.
 */

export interface GlobalFlags {
  readonly home?: string
  readonly json: boolean
  readonly rest: string[]
  readonly problem?: string
}

/** Splits the global flags from the command's own arguments. */
export function extractGlobalFlags(argv: readonly string[]): GlobalFlags {
  const rest: string[] = []
  let home: string | undefined
  let json = false
  let problem: string | undefined

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (arg === '--json') {
      json = true
    } else if (arg === '--home') {
      home = argv[i + 1]
      if (home === undefined || home.startsWith('--'))
        problem = '--home needs a folder path.'
      i++
    } else if (arg.startsWith('--home=')) {
      home = arg.slice('--home='.length)
    } else {
      rest.push(arg)
    }
  }
  if (home === '') problem = '--home needs a folder path.'

  return {
    json,
    rest,
    ...(home ? { home } : {}),
    ...(problem ? { problem } : {}),
  }
}
