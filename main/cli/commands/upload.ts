import type { Command } from 'commander'
import type { UploadResult } from '../../../shared/reports'
import { runUpload } from '../../services/upload-run'
import { withInterruptAsCancel } from '../interrupt'
import type { CliContext } from '../program'
import { withPassphrase } from '../stdin'

interface UploadFlags {
  readonly file?: string
  readonly allowStale?: boolean
  readonly allowDrop?: boolean
  readonly passphraseStdin?: boolean
}

/** `upload <domain>`: one nightly run. */
export function registerUploadCommand(program: Command, cli: CliContext): void {
  program
    .command('upload <domain>')
    .description(
      'check the newest export file and upload it into a new epoch, then COMPLETE',
    )
    .option(
      '--file <path>',
      'send this file instead of the newest match in the export folder',
    )
    .option('--allow-stale', 'send an export older than the age limit, once')
    .option(
      '--allow-drop',
      'send an export with far fewer records than last time, once',
    )
    .option(
      '--passphrase-stdin',
      'unlock a passphrase-protected key with the first line of standard input (for a run by hand; the scheduled run cannot)',
    )
    .action(
      cli.run(async (domain: string, flags: UploadFlags) => {
        const ctx = await withPassphrase(cli.ctx(), flags.passphraseStdin)
        const result = await withInterruptAsCancel((signal) =>
          runUpload(ctx, domain, {
            ...(flags.file ? { file: flags.file } : {}),
            ...(flags.allowStale ? { allowStale: true } : {}),
            ...(flags.allowDrop ? { allowDrop: true } : {}),
            signal,
          }),
        )

        return { json: uploadJson(result), text: uploadText(result) }
      }),
    )
}

function uploadJson(result: UploadResult): Record<string, unknown> {
  return {
    domain: result.domain,
    ...(result.epoch ? { epoch: result.epoch } : {}),
    mode: result.mode,
    file: result.file,
    remotePath: result.remotePath,
    bytes: result.bytes,
    records: result.records,
    durationMs: result.durationMs,
    throughputBps: result.throughputBps,
    retries: result.retries,
    transfer: result.transfer,
    warnings: result.warnings ?? [],
    logFile: result.record.logFile,
  }
}

function uploadText(result: UploadResult): string[] {
  const seconds = (result.durationMs / 1000).toFixed(1)
  const rate = ((result.throughputBps ?? 0) / 1e6).toFixed(1)
  const sent = `Uploaded ${result.file} (${result.bytes} bytes, ${result.records ?? '?'} records) to ${result.remotePath} in ${seconds} s (${rate} MB/s, ${result.retries ?? 0} retries).`
  const warnings = (result.warnings ?? []).map((w) => `Warning: ${w}`)

  if (!result.epoch) {
    return [
      sent,
      'Direct mode: SameGoal makes the epoch from this file itself.',
      ...warnings,
    ]
  }
  return [
    sent,
    `COMPLETE written; epoch ${result.epoch} is ready for SameGoal.`,
    ...warnings,
  ]
}
