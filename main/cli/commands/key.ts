import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import {
  fingerprintLines,
  generateKey,
  keyView,
  type KeyType,
} from '../../services/keys'
import type { CommandOutput } from '../output'
import type { CliContext } from '../program'
import type { KeyView } from '../../../shared/reports'

/** `key generate|show`. */
export function registerKeyCommands(program: Command, cli: CliContext): void {
  const key = program
    .command('key')
    .description('generate and show district keypairs')

  key
    .command('generate <domain>')
    .description(
      'generate a keypair for the district (RSA 4096 unless --type ed25519)',
    )
    .option('--type <rsa|ed25519>', 'key type', 'rsa')
    .option('--replace', 'replace an existing key')
    .action(
      cli.run(
        async (domain: string, flags: { type: string; replace?: boolean }) => {
          const view = await generateKey(
            cli.ctx().store,
            domain,
            keyType(flags.type),
            {
              replace: flags.replace === true,
            },
          )
          return keyOutput(view, [
            `Generated a ${describe(view)} keypair for ${view.domain}.`,
          ])
        },
      ),
    )

  key
    .command('show <domain>')
    .description('print the public key and its fingerprints')
    .action(
      cli.run(async (domain: string) => {
        const store = cli.ctx().store
        return keyOutput(keyView(store, await store.get(domain)), [])
      }),
    )
}

function keyType(value: string): KeyType {
  if (value === 'rsa' || value === 'ed25519') return value

  throw new AppError(
    'INVALID_INPUT',
    `--type must be "rsa" or "ed25519", not "${value}".`,
  )
}

function describe(view: KeyView): string {
  return view.type === 'rsa' ? `RSA ${view.bits}-bit` : 'Ed25519'
}

function keyOutput(view: KeyView, intro: string[]): CommandOutput {
  const [sha256Line, md5Line] = fingerprintLines(view)

  return {
    json: {
      domain: view.domain,
      publicKey: view.publicKey,
      type: view.type,
      bits: view.bits,
      comment: view.comment,
      sha256: view.sha256,
      md5: view.md5,
      privateKeyFile: view.privateKeyFile,
      publicKeyFile: view.publicKeyFile,
    },
    text: [...intro, view.publicKey, sha256Line, md5Line],
  }
}
