import fs from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { AppError, toErrorData } from '../../../shared/errors'
import type {
  CheckPhase,
  CheckReport,
  KeyWaitTick,
} from '../../../shared/reports'
import {
  checkConnection,
  type TrustChoice,
} from '../../services/connection-check'
import { diagnosticReport } from '../../services/diagnostic-report'
import { waitForKey } from '../../services/key-sync-wait'
import type { Timeouts } from '../../services/sftp-session'
import type { Io } from '../output'
import { phaseLabel } from '../../../shared/check-phases'
import {
  fingerprintMatches,
  parseFingerprint,
} from '../../../shared/fingerprint'
import { withConnectionRecord } from '../../services/connection-record'
import type { CliContext } from '../program'
import { withPassphrase } from '../stdin'

interface CheckFlags {
  readonly trustHostKey?: string
  readonly trustOnFirstUse?: boolean
  readonly waitForKey?: string | boolean
  readonly retryEvery?: string
  readonly report?: string
  readonly connectTimeout?: string
  readonly greetingTimeout?: string
  readonly loginTimeout?: string
  readonly keepalive?: string
  readonly passphraseStdin?: boolean
}

/** `check <domain>`: the read-only connection test. */
export function registerCheckCommand(
  program: Command,
  cli: CliContext,
  io?: Io,
): void {
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
    .option(
      '--wait-for-key [minutes]',
      'while the key is refused, keep trying (default: the rest of SameGoal\u2019s 60 minutes)',
    )
    .option('--retry-every <seconds>', 'time between attempts (default 60)')
    .option('--report <file>', 'write a diagnostic report to send SameGoal')
    .option('--connect-timeout <seconds>', 'time limit to open TCP (15)')
    .option(
      '--greeting-timeout <seconds>',
      'time limit for the SSH greeting (15)',
    )
    .option(
      '--login-timeout <seconds>',
      'time limit from greeting to login (30)',
    )
    .option('--keepalive <seconds>', 'keepalive interval; 3 missed end it (10)')
    .option(
      '--passphrase-stdin',
      'unlock a passphrase-protected key with the first line of standard input',
    )
    .action(
      cli.run(async (domain: string, flags: CheckFlags) => {
        // A mistyped fingerprint is a typing error, not a reason to connect.
        if (flags.trustHostKey && !parseFingerprint(flags.trustHostKey)) {
          throw new AppError(
            'INVALID_INPUT',
            `--trust-host-key must be a fingerprint such as SHA256:... or MD5:aa:bb:..., not "${flags.trustHostKey}".`,
          )
        }
        const ctx = await withPassphrase(cli.ctx(), flags.passphraseStdin)
        const pinBefore = (await ctx.store.get(domain)).hostKey
        const trust: TrustChoice = {
          ...(flags.trustHostKey ? { fingerprint: flags.trustHostKey } : {}),
          firstUse: flags.trustOnFirstUse === true,
        }
        const check = { timeouts: timeoutFlags(flags) }
        const wait = waitFlags(flags)
        const at = ctx.now().toISOString()

        let report: CheckReport
        try {
          // The fleet view shows this outcome as the connection state.
          report = await withConnectionRecord(
            ctx.layout,
            domain,
            'check',
            ctx.now,
            () =>
              flags.waitForKey === undefined
                ? checkConnection(ctx, domain, trust, check)
                : waitForKey(ctx, domain, {
                    trust,
                    check,
                    onTick: tickPrinter(io),
                    ...wait,
                  }),
          )
        } catch (error) {
          if (flags.report)
            await writeReport(cli, domain, flags.report, {
              at,
              error: toErrorData(error),
            })
          printFailedPhases(io, error)
          throw error
        }
        if (flags.report)
          await writeReport(cli, domain, flags.report, { at, report })

        const warnings = trustWarnings(report, flags.trustHostKey)
        return {
          json: {
            ...report,
            ...(pinBefore && report.hostKeyPinned === 'new'
              ? { replacedHostKey: pinBefore }
              : {}),
            ...(warnings.length > 0 ? { warnings } : {}),
            ...(flags.report ? { reportFile: path.resolve(flags.report) } : {}),
          },
          text: [
            ...successLines(
              // Pinned by an earlier attempt of this same wait: still new.
              pinBefore ? report : { ...report, hostKeyPinned: 'new' },
              flags.report,
              pinBefore?.sha256,
            ),
            ...warnings.map((w) => `Warning: ${w}`),
          ],
        }
      }),
    )
}

// A fingerprint typed to trust that is not the server's must never pass
// silently, even when the pinned key matched and nothing changed.
function trustWarnings(report: CheckReport, typed?: string): string[] {
  if (!typed || fingerprintMatches(typed, report.serverKey)) return []

  return [
    `the fingerprint given (${typed}) is not this server's key; the pinned key matched, so the pin was not changed.`,
  ]
}

function successLines(
  report: CheckReport,
  reportFile?: string,
  replaced?: string,
): string[] {
  const pinned =
    report.hostKeyPinned !== 'new'
      ? 'matches the pinned key'
      : replaced
        ? `it replaces the previously pinned key ${replaced} and is pinned now`
        : 'first contact: confirm this fingerprint with SameGoal; it is pinned now'
  const latest = report.uploadProcessed.latestEpoch ?? 'none yet'
  const when = report.lastProcessedAt ? ` (${report.lastProcessedAt})` : ''

  return [
    ...report.phases.map((p) => `ok   ${phaseLabel(p)}`),
    `Connection to ${report.host} port ${report.port} as ${report.domain} works.`,
    `Host key: ${report.serverKey.type} ${report.serverKey.sha256} (${report.serverKey.md5}), ${pinned}.`,
    `/upload: ${report.upload.epochs} epoch(s) waiting. /upload-processed: ${report.uploadProcessed.epochs} processed, latest ${latest}${when}.`,
    ...(reportFile ? [`Report written to ${path.resolve(reportFile)}.`] : []),
  ]
}

function printFailedPhases(io: Io | undefined, error: unknown): void {
  if (!io || !(error instanceof AppError)) return

  const passed = (error.extra?.['phases'] ?? []) as CheckPhase[]
  const failed = error.extra?.['failedPhase'] as CheckPhase | undefined
  const lines = passed.map((p) => `ok   ${phaseLabel(p)}`)
  if (failed) lines.push(`FAIL ${phaseLabel(failed)}: ${error.code}`)
  const causes = (error.extra?.['likelyCauses'] ?? []) as { text: string }[]
  if (causes.length > 0) lines.push('Likely causes, most likely first:')
  causes.forEach((c, i) => lines.push(`  ${i + 1}. ${c.text}`))
  if (lines.length > 0) io.stderr(`${lines.join('\n')}\n`)
}

// One line per attempt; the second-by-second countdown is for the wizard.
function tickPrinter(io: Io | undefined): (tick: KeyWaitTick) => void {
  let printed = 0

  return (tick) => {
    if (!io || tick.attempt === printed) return
    printed = tick.attempt
    const left =
      tick.secondsLeft < 60
        ? `${tick.secondsLeft} s`
        : `about ${Math.ceil(tick.secondsLeft / 60)} min`
    io.stderr(
      `Key refused (attempt ${tick.attempt}, ${tick.lastCode}). Trying again in ${tick.secondsToNext} s; giving up in ${left}.\n`,
    )
  }
}

async function writeReport(
  cli: CliContext,
  domain: string,
  file: string,
  outcome: Parameters<typeof diagnosticReport>[1],
): Promise<void> {
  const district = await cli.ctx().store.get(domain)
  await fs.writeFile(file, diagnosticReport(district, outcome), { mode: 0o644 })
}

function positiveSeconds(
  value: string,
  flag: string,
  unit = 'seconds',
): number {
  const n = Number(value)
  if (Number.isFinite(n) && n > 0) return n

  throw new AppError(
    'INVALID_INPUT',
    `${flag} must be a number of ${unit} above 0, not "${value}".`,
  )
}

function timeoutFlags(flags: CheckFlags): Partial<Timeouts> {
  const ms = (value: string | undefined, flag: string) =>
    value === undefined
      ? undefined
      : Math.round(positiveSeconds(value, flag) * 1000)
  const entries = {
    connectMs: ms(flags.connectTimeout, '--connect-timeout'),
    greetingMs: ms(flags.greetingTimeout, '--greeting-timeout'),
    handshakeMs: ms(flags.loginTimeout, '--login-timeout'),
    keepaliveMs: ms(flags.keepalive, '--keepalive'),
  }

  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined),
  ) as Partial<Timeouts>
}

function waitFlags(flags: CheckFlags): {
  windowMs?: number
  intervalMs?: number
} {
  const minutes =
    typeof flags.waitForKey === 'string'
      ? positiveSeconds(flags.waitForKey, '--wait-for-key', 'minutes') * 60_000
      : undefined
  const every = flags.retryEvery
    ? positiveSeconds(flags.retryEvery, '--retry-every') * 1000
    : undefined

  return {
    ...(minutes !== undefined ? { windowMs: Math.round(minutes) } : {}),
    ...(every !== undefined ? { intervalMs: Math.round(every) } : {}),
  }
}
