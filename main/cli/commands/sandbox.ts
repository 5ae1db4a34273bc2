import path from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import {
  addPracticeDistrict,
  deliverDistrictKey,
  followPracticePort,
} from '../../practice/practice-district'
import {
  DEFAULT_PRACTICE_PORT,
  practiceRootOf,
  recordedPort,
} from '../../practice/practice-root'
import {
  DEFAULT_PROCESS_DELAY_SECONDS,
  DEFAULT_SYNC_DELAY_SECONDS,
  startPracticeServer,
} from '../../practice/practice-server'
import { seconds } from '../options'
import type { Io } from '../output'
import type { CliContext } from '../program'

interface SandboxFlags {
  readonly port?: string
  readonly root?: string
  readonly syncDelay?: string
  readonly processDelay?: string
}

/** `sandbox` (the practice server), `sandbox add`, `sandbox send-key`. */
export function registerSandboxCommands(
  program: Command,
  cli: CliContext,
  io: Io,
  json: boolean,
): void {
  const sandbox = program
    .command('sandbox')
    .description(
      'run the practice SFTP server on 127.0.0.1 (stop it with Ctrl+C)',
    )
    .option(
      '--port <port>',
      `port to listen on (default: the last one used, else ${DEFAULT_PRACTICE_PORT}; 0 for any free port)`,
    )
    .option('--root <dir>', 'practice folder (default: practice/ in the home)')
    .option(
      '--sync-delay <seconds>',
      `how old a sent key must be before it works (default ${DEFAULT_SYNC_DELAY_SECONDS})`,
    )
    .option(
      '--process-delay <seconds>',
      `how long after COMPLETE an upload is processed (default ${DEFAULT_PROCESS_DELAY_SECONDS})`,
    )
    .action(async (flags: SandboxFlags) => {
      await serve(cli, io, json, flags)
    })

  sandbox
    .command('add <domain>')
    .description(
      'add a practice district with a sample export (uses the sandbox --port and --root)',
    )
    .option('--name <text>', 'district name')
    .action(
      cli.run(
        async (domain: string, flags: { name?: string }, command: Command) => {
          const shared = command.optsWithGlobals<SandboxFlags>()
          const ctx = cli.ctx()
          const settings = await addPracticeDistrict(ctx, domain, {
            ...(flags.name ? { name: flags.name } : {}),
            ...(shared.port ? { port: portNumber(shared.port) } : {}),
            root: rootOf(ctx.layout.root, shared.root),
          })
          return {
            json: { district: settings },
            text: [
              `Added practice district ${settings.domain} on 127.0.0.1 port ${settings.port}.`,
              `Sample export (stand-in layout) in ${settings.exportDir ?? ''}.`,
            ],
          }
        },
      ),
    )

  sandbox
    .command('send-key <domain>')
    .description(
      'send a practice district\u2019s public key to the practice server',
    )
    .action(
      cli.run(async (domain: string, _flags: unknown, command: Command) => {
        const shared = command.optsWithGlobals<SandboxFlags>()
        const ctx = cli.ctx()
        const delivery = await deliverDistrictKey(
          ctx,
          domain,
          rootOf(ctx.layout.root, shared.root),
        )
        return {
          json: { ...delivery },
          text: [
            `Sent the public key of ${delivery.domain} to the practice server at ${delivery.deliveredAt}.`,
            'It works once the sync delay has passed, as a key sent to SameGoal does.',
          ],
        }
      }),
    )
}

// Runs until interrupted. Only the ready line goes to stdout, so a script
// can wait for it; what happens afterwards goes to stderr.
async function serve(
  cli: CliContext,
  io: Io,
  json: boolean,
  flags: SandboxFlags,
): Promise<void> {
  const ctx = cli.ctx()
  const root = rootOf(ctx.layout.root, flags.root)
  const port =
    flags.port !== undefined
      ? portNumber(flags.port)
      : ((await recordedPort(root)) ?? DEFAULT_PRACTICE_PORT)

  const server = await startPracticeServer({
    root,
    port,
    ...(flags.syncDelay !== undefined
      ? { syncDelaySeconds: seconds(flags.syncDelay, '--sync-delay') }
      : {}),
    ...(flags.processDelay !== undefined
      ? { processDelaySeconds: seconds(flags.processDelay, '--process-delay') }
      : {}),
    log: (line) => io.stderr(`${line}\n`),
  })
  await followPracticePort(ctx, root, server.port)
  const ready = `listening on 127.0.0.1:${server.port}`
  io.stdout(
    json
      ? `${JSON.stringify({ ok: true, listening: ready, port: server.port, root })}\n`
      : `${ready}\n`,
  )

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  io.stderr('practice server stopped\n')
}

function rootOf(home: string, flag: string | undefined): string {
  return flag ? path.resolve(flag) : practiceRootOf(home)
}

function portNumber(value: string): number {
  const n = Number(value)
  if (Number.isInteger(n) && n >= 0 && n <= 65535) return n

  throw new AppError(
    'INVALID_INPUT',
    `--port must be a whole number from 0 to 65535, not "${value}".`,
  )
}
