import { readSecretLine } from '../stdin'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import {
  emailSettingsSchema,
  readAlertSettings,
  redactAlertSettings,
  updateAlertSettings,
  type AlertSettings,
  type EmailSettings,
} from '../../services/alert-settings'
import { sendEmail } from '../../services/alerts'
import type { CliContext } from '../program'

interface AlertFlags {
  readonly stuckHours?: string
  readonly staleHours?: string
  readonly leftoverHours?: string
  readonly staggerMinutes?: string
  readonly desktop?: string
  readonly email?: string
  readonly smtpHost?: string
  readonly smtpPort?: string
  readonly smtpSecure?: string
  readonly smtpUser?: string
  readonly smtpPasswordStdin?: boolean
  readonly from?: string
  readonly to?: string
}

/** `alerts show|set|test`: thresholds and the optional email alerts. */
export function registerAlertCommands(program: Command, cli: CliContext): void {
  const alerts = program
    .command('alerts')
    .description('when districts count as stuck or stale, and email alerts')

  alerts
    .command('show')
    .description('show the monitoring and alert settings')
    .action(
      cli.run(async () => {
        const settings = redactAlertSettings(
          await readAlertSettings(cli.ctx().layout),
        )
        return { json: { alerts: settings }, text: settingsText(settings) }
      }),
    )

  alerts
    .command('set')
    .description('change the monitoring and alert settings')
    .option('--stuck-hours <n>', 'pending longer than this is stuck (12)')
    .option('--stale-hours <n>', 'no processed epoch this long is stale (36)')
    .option(
      '--leftover-hours <n>',
      'incomplete epochs older are left-overs (24)',
    )
    .option('--stagger-minutes <n>', 'gap between copied districts (10)')
    .option('--desktop <on|off>', 'desktop notifications from the wizard')
    .option('--email <on|off>', 'email alerts (off by default)')
    .option('--smtp-host <host>', 'mail server')
    .option('--smtp-port <port>', 'mail server port (587)')
    .option('--smtp-secure <on|off>', 'TLS from the start, as on port 465')
    .option('--smtp-user <user>', 'mail server login')
    .option(
      '--smtp-password-stdin',
      'read the mail password from standard input',
    )
    .option('--from <address>', 'sender address')
    .option('--to <addresses>', 'recipients, comma-separated')
    .action(
      cli.run(async (flags: AlertFlags) => {
        const password = flags.smtpPasswordStdin
          ? await readSecretLine('--smtp-password-stdin')
          : undefined
        const saved = await updateAlertSettings(cli.ctx().layout, (current) =>
          applyFlags(current, flags, password),
        )
        const shown = redactAlertSettings(saved)
        return { json: { alerts: shown }, text: settingsText(shown) }
      }),
    )

  alerts
    .command('test')
    .description('send a test email with the saved settings')
    .action(
      cli.run(async () => {
        const { email } = await readAlertSettings(cli.ctx().layout)
        if (!email)
          throw new AppError(
            'INVALID_INPUT',
            'No mail server is set. Use alerts set --smtp-host ... --from ... --to ... first.',
          )
        await sendEmail(email, {
          title: 'SameGoal Ascender: test alert',
          body: 'Alerts from the nightly uploads will arrive like this one.',
        })
        return {
          json: { sent: true, to: email.to },
          text: [`Test email sent to ${email.to.join(', ')}.`],
        }
      }),
    )
}

function applyFlags(
  current: AlertSettings,
  flags: AlertFlags,
  password: string | undefined,
): AlertSettings {
  const next: AlertSettings = { ...current }
  if (flags.stuckHours !== undefined)
    next.stuckAfterHours = positive(flags.stuckHours, '--stuck-hours')
  if (flags.staleHours !== undefined)
    next.staleAfterHours = positive(flags.staleHours, '--stale-hours')
  if (flags.leftoverHours !== undefined)
    next.leftoverAfterHours = positive(flags.leftoverHours, '--leftover-hours')
  if (flags.staggerMinutes !== undefined)
    next.staggerMinutes = Math.round(
      positive(flags.staggerMinutes, '--stagger-minutes', true),
    )
  if (flags.desktop !== undefined)
    next.desktop = onOff(flags.desktop, '--desktop')

  const touchesEmail = [
    flags.email,
    flags.smtpHost,
    flags.smtpPort,
    flags.smtpSecure,
    flags.smtpUser,
    flags.from,
    flags.to,
    password,
  ].some((v) => v !== undefined)
  if (touchesEmail) next.email = emailFrom(current.email, flags, password)

  return next
}

function emailFrom(
  current: EmailSettings | undefined,
  flags: AlertFlags,
  password: string | undefined,
): EmailSettings {
  const secure =
    flags.smtpSecure !== undefined
      ? onOff(flags.smtpSecure, '--smtp-secure')
      : (current?.secure ?? false)
  const candidate = {
    enabled:
      flags.email !== undefined
        ? onOff(flags.email, '--email')
        : (current?.enabled ?? false),
    host: flags.smtpHost ?? current?.host ?? '',
    port:
      flags.smtpPort !== undefined
        ? smtpPort(flags.smtpPort)
        : (current?.port ?? (secure ? 465 : 587)),
    secure,
    ...((flags.smtpUser ?? current?.user)
      ? { user: flags.smtpUser ?? current?.user }
      : {}),
    ...((password ?? current?.password)
      ? { password: password ?? current?.password }
      : {}),
    from: flags.from ?? current?.from ?? '',
    to:
      flags.to !== undefined
        ? flags.to
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : (current?.to ?? []),
  }

  const parsed = emailSettingsSchema.safeParse(candidate)
  if (parsed.success) return parsed.data

  const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ')
  throw new AppError(
    'INVALID_INPUT',
    `Email alerts need a mail server, port, sender and at least one recipient; missing or invalid: ${fields}.`,
  )
}

// Digits only: Number() would also read 0x19 or 2e1 as a port.
function smtpPort(value: string): number {
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN
  if (n >= 1 && n <= 65535) return n

  throw new AppError(
    'INVALID_INPUT',
    `--smtp-port must be a whole number from 1 to 65535, not "${value}".`,
  )
}

function positive(value: string, flag: string, zeroOk = false): number {
  // Number('') and Number(' ') are 0, which must not pass for a value.
  const n = value.trim() === '' ? NaN : Number(value)
  if (Number.isFinite(n) && (n > 0 || (zeroOk && n === 0))) return n

  throw new AppError(
    'INVALID_INPUT',
    `${flag} must be a positive number, not "${value}".`,
  )
}

function onOff(value: string, flag: string): boolean {
  if (value === 'on' || value === 'off') return value === 'on'

  throw new AppError(
    'INVALID_INPUT',
    `${flag} must be "on" or "off", not "${value}".`,
  )
}

function settingsText(s: AlertSettings): string[] {
  const email = s.email
    ? `${s.email.enabled ? 'on' : 'off'}, ${s.email.host} port ${s.email.port} to ${s.email.to.join(', ')}`
    : 'off (no mail server set)'
  return [
    `Stuck after:    ${s.stuckAfterHours} h pending`,
    `Stale after:    ${s.staleAfterHours} h without a processed epoch`,
    `Left-over:      incomplete epochs older than ${s.leftoverAfterHours} h`,
    `Stagger:        ${s.staggerMinutes} min between copied districts`,
    `Desktop alerts: ${s.desktop ? 'on' : 'off'}`,
    `Email alerts:   ${email}`,
  ]
}
