import type { Command } from 'commander'
import { checkConnection } from '../../services/connection-check'
import type { CliContext } from '../program'

const PHASE_TEXT: Record<string, string> = {
  resolve: 'Looked up the server name',
  connect: 'Connected',
  greet: 'Server answered',
  'verify-host': 'Checked the server\u2019s identity',
  authenticate: 'Logged in with the district\u2019s key',
  'open-sftp': 'Opened SFTP',
  'list-folders': 'Read /upload and /upload-processed',
}

/** `check <domain>`: the read-only connection test. */
export function registerCheckCommand(program: Command, cli: CliContext): void {
  program
    .command('check <domain>')
    .description(
      'test the connection read-only and pin or verify the server\u2019s host key',
    )
    .option(
      '--trust-host-key <fingerprint>',
      'trust the server\u2019s key with this fingerprint (also to accept a changed key)',
    )
    .option(
      '--trust-on-first-use',
      'trust the key the server shows, only if none is pinned yet',
    )
    .action(
      cli.run(
        async (
          domain: string,
          flags: { trustHostKey?: string; trustOnFirstUse?: boolean },
        ) => {
          const report = await checkConnection(cli.ctx(), domain, {
            ...(flags.trustHostKey ? { fingerprint: flags.trustHostKey } : {}),
            firstUse: flags.trustOnFirstUse === true,
          })
          const pinned =
            report.hostKeyPinned === 'new'
              ? 'pinned now'
              : 'matches the pinned key'
          const latest = report.uploadProcessed.latestEpoch ?? 'none yet'

          return {
            json: { ...report },
            text: [
              ...report.phases.map((p) => `ok  ${PHASE_TEXT[p] ?? p}`),
              `Connection to ${report.host} port ${report.port} as ${report.domain} works.`,
              `Host key: ${report.serverKey.type} ${report.serverKey.sha256} (${report.serverKey.md5}), ${pinned}.`,
              `/upload: ${report.upload.epochs} epoch(s) waiting. /upload-processed: ${report.uploadProcessed.epochs} processed, latest ${latest}.`,
            ],
          }
        },
      ),
    )
}
