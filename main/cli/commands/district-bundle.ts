import { readSecretLine } from '../stdin'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import {
  exportDistricts,
  importDistricts,
} from '../../services/district-bundle'
import type { CliContext } from '../program'

/** `district export FILE` and `district import FILE`, under a passphrase. */
export function registerDistrictBundleCommands(
  program: Command,
  cli: CliContext,
): void {
  const district =
    program.commands.find((c) => c.name() === 'district') ??
    program.command('district')

  district
    .command('export <file>')
    .description(
      'write every district (settings, keys, host keys, history) into one encrypted file',
    )
    .option('--passphrase-stdin', 'read the passphrase from standard input')
    .action(
      cli.run(async (file: string, flags: { passphraseStdin?: boolean }) => {
        const passphrase = await readPassphrase(flags.passphraseStdin)
        const result = await exportDistricts(cli.ctx(), file, passphrase)
        return {
          json: { ...result },
          text: [
            `Exported ${result.districts.length} district(s) to ${result.file}.`,
            'Private keys inside are encrypted under the passphrase; keep it apart from the file.',
          ],
        }
      }),
    )

  district
    .command('import <file>')
    .description(
      'add the districts of an exported file; existing districts are left unchanged',
    )
    .option('--passphrase-stdin', 'read the passphrase from standard input')
    .action(
      cli.run(async (file: string, flags: { passphraseStdin?: boolean }) => {
        const passphrase = await readPassphrase(flags.passphraseStdin)
        const result = await importDistricts(cli.ctx(), file, passphrase)
        return {
          json: { ...result },
          text: [
            `Imported ${result.imported.length} district(s)${result.imported.length ? `: ${result.imported.join(', ')}` : ''}.`,
            ...result.skipped.map((s) => `Skipped ${s.domain}: ${s.reason}.`),
          ],
        }
      }),
    )
}

async function readPassphrase(fromStdin: boolean | undefined): Promise<string> {
  if (!fromStdin)
    throw new AppError(
      'USAGE',
      'Give the passphrase on standard input with --passphrase-stdin (never on the command line).',
    )

  return readSecretLine('--passphrase-stdin')
}
