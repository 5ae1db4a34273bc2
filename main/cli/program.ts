import { Command, CommanderError } from 'commander'
import { AppError } from '../../shared/errors'
import { pathErrorFrom } from '../../shared/fs-errors'
import { createContext, type ServiceContext } from '../services/context'
import { resolveHome } from '../services/home'
import { registerCheckCommand } from './commands/check'
import { registerDistrictCommands } from './commands/district'
import { registerDistrictBundleCommands } from './commands/district-bundle'
import { registerAlertCommands } from './commands/alerts'
import { registerKeyCommands } from './commands/key'
import { registerScheduleCommands } from './commands/schedule'
import { registerSandboxCommands } from './commands/sandbox'
import { registerStatusCommand } from './commands/status'
import { registerUploadCommand } from './commands/upload'
import { extractGlobalFlags } from './global-flags'
import { openHomeLogger } from './home-logger'
import { printError, printResult, type CommandOutput, type Io } from './output'

/** What command actions share: the lazily built service context and a runner. */
export interface CliContext {
  ctx(): ServiceContext
  /** Wraps an action; commander's loosely typed arguments reach it as it declares them. */
  run(
    action: (...args: never[]) => Promise<CommandOutput>,
  ): (...args: unknown[]) => Promise<void>
}

export interface RunOptions {
  readonly io?: Io
  readonly env?: NodeJS.ProcessEnv
  /** Hooks for tests: a fake resolver, shorter time limits. */
  readonly overrides?: Partial<
    Pick<ServiceContext, 'lookup' | 'timeouts' | 'now'>
  >
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

/** Runs the CLI with the given arguments and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<number> {
  const io = options.io ?? processIo
  const flags = extractGlobalFlags(argv)
  if (flags.problem)
    return fail(io, flags.json, new AppError('USAGE', flags.problem))

  let context: ServiceContext | undefined
  let exitCode = 0
  const cli: CliContext = {
    ctx: () => {
      if (!context) {
        const home = resolveHome(flags.home, options.env ?? process.env)
        const log = openHomeLogger(home, io)
        context = createContext(home, { log, ...options.overrides })
      }
      return context
    },
    run:
      (action) =>
      async (...args) => {
        const output = await action(...(args as never[]))
        printResult(io, flags.json, output)
        exitCode = output.exitCode ?? 0
      },
  }

  const program = buildProgram(cli, io, flags.json)
  try {
    await program.parseAsync(flags.rest, { from: 'user' })
    return exitCode
  } catch (error) {
    return fail(io, flags.json, usageError(error), context)
  }
}

function buildProgram(cli: CliContext, io: Io, json: boolean): Command {
  const program = new Command('samegoal-ascender')
    .description(
      'Connects a district\u2019s Ascender student export to SameGoal over SFTP.',
    )
    .addHelpText(
      'after',
      '\nGlobal flags: --home DIR (or SAMEGOAL_ASCENDER_HOME), --json',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => (json ? undefined : io.stdout(text)),
      writeErr: (text) => (json ? undefined : io.stderr(text)),
      outputError: () => undefined,
    })
    .showHelpAfterError(false)

  registerDistrictCommands(program, cli)
  registerDistrictBundleCommands(program, cli)
  registerKeyCommands(program, cli)
  registerCheckCommand(program, cli, io)
  registerUploadCommand(program, cli)
  registerStatusCommand(program, cli)
  registerAlertCommands(program, cli)
  registerScheduleCommands(program, cli)
  registerSandboxCommands(program, cli, io, json)

  // Subcommands inherit the overrides so their parse errors also end here.
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput(program.configureOutput())
  }
  return program
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)])
}

function usageError(error: unknown): unknown {
  if (!(error instanceof CommanderError)) return error
  if (error.exitCode === 0) return new HelpShown()
  // A command group without its subcommand: commander shows the help and
  // reports only the placeholder "(outputHelp)".
  if (error.code === 'commander.help')
    return new AppError(
      'USAGE',
      'A command is missing or incomplete, for example "district list" or "status --all".',
    )

  const message = error.message.replace(/^error: /, '')
  return new AppError(
    'USAGE',
    `${message.charAt(0).toUpperCase()}${message.slice(1)}`,
  )
}

/** Help or the version was printed; not a failure. */
class HelpShown extends Error {}

function fail(
  io: Io,
  json: boolean,
  error: unknown,
  context?: ServiceContext,
): number {
  if (error instanceof HelpShown) {
    if (json) io.stdout(`${JSON.stringify({ ok: true, help: true })}\n`)
    return 0
  }

  const data = printError(io, json, pathErrorFrom(error) ?? error)
  if (data.code === 'INTERNAL')
    context?.log.error({ err: error }, 'internal error')
  return data.exitCode
}
