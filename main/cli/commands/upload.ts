import type { Command } from 'commander'
import { runUpload } from '../../services/upload-run'
import type { CliContext } from '../program'

/** `upload <domain>`: one nightly run. */
export function registerUploadCommand(program: Command, cli: CliContext): void {
  program
    .command('upload <domain>')
    .description(
      'upload the newest export file into a new epoch, then COMPLETE',
    )
    .option(
      '--file <path>',
      'send this file instead of the newest match in the export folder',
    )
    .action(
      cli.run(async (domain: string, flags: { file?: string }) => {
        const result = await runUpload(
          cli.ctx(),
          domain,
          flags.file ? { file: flags.file } : {},
        )
        const seconds = (result.durationMs / 1000).toFixed(1)

        return {
          json: {
            domain: result.domain,
            epoch: result.epoch,
            file: result.file,
            remotePath: result.remotePath,
            bytes: result.bytes,
            durationMs: result.durationMs,
            logFile: result.record.logFile,
          },
          text: [
            `Uploaded ${result.file} (${result.bytes} bytes) to ${result.remotePath} in ${seconds} s.`,
            `COMPLETE written; epoch ${result.epoch} is ready for SameGoal.`,
          ],
        }
      }),
    )
}
