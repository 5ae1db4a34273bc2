import nodemailer from 'nodemailer'
import { AppError, toErrorData, type ErrorData } from '../../shared/errors'
import type { FleetReport, FleetRow } from '../../shared/status-reports'
import { readAlertSettings, type EmailSettings } from './alert-settings'
import type { ServiceContext } from './context'
import { needsAttention } from './fleet'

/**
 * Alerts when a district needs attention: a desktop notification from the
 * wizard, and optional email (off by default) from headless runs. Alert
 * text names districts, states and codes, never student data; the SMTP
 * password goes only to the mail server.
 */

export interface Alert {
  readonly title: string
  readonly body: string
}

/** One desktop notification per failed, unreachable, stuck or stale district. */
export function fleetAlerts(report: FleetReport): Alert[] {
  return (
    report.districts
      // A practice district is a rehearsal: it never raises an alert.
      .filter((row) => needsAttention(row.state) && !row.practice)
      .map((row) => ({
        title: `${row.name}: ${stateTitle(row)}`,
        body: `${row.domain}: ${row.message ?? row.state}`,
      }))
  )
}

function stateTitle(row: FleetRow): string {
  switch (row.state) {
    case 'unreachable':
      return 'could not be checked'
    case 'failed':
      return 'last night failed'
    case 'stuck':
      return 'upload stuck at SameGoal'
    default:
      return 'no processed upload recently'
  }
}

/** Emails the districts that need attention, when email alerts are on. */
export async function emailFleetAlerts(
  ctx: ServiceContext,
  report: FleetReport,
): Promise<{ sent: boolean; notSent?: string }> {
  const alerts = fleetAlerts(report)
  if (alerts.length === 0)
    return { sent: false, notSent: 'no district needs attention' }
  const email = (await readAlertSettings(ctx.layout)).email
  if (!email?.enabled) {
    return {
      sent: false,
      notSent:
        'email alerts are off (turn them on with: alerts set --email on and the SMTP settings)',
    }
  }

  return emailAlert(ctx, {
    title: `SameGoal uploads: ${alerts.length} district(s) need attention`,
    body: alerts.map((a) => `${a.title}\n  ${a.body}`).join('\n\n'),
  })
}

/**
 * For the nightly run: emails that a district's run failed, when email
 * alerts are on. Never throws; a mail problem is logged, and the run's own
 * failure stays the one reported.
 */
export async function alertRunFailure(
  ctx: ServiceContext,
  domain: string,
  failure: ErrorData,
): Promise<{ sent: boolean; error?: ErrorData }> {
  try {
    return await emailAlert(ctx, {
      title: `SameGoal upload failed for ${domain}`,
      body: `${failure.title}\n${failure.message}\nCode: ${failure.code}\nWhat to do: ${failure.whatToDo}`,
    })
  } catch (error) {
    const data = toErrorData(error)
    ctx.log.warn({ domain, code: data.code }, 'alert email not sent')
    return { sent: false, error: data }
  }
}

/** Sends one alert by email if enabled in the home's settings. */
export async function emailAlert(
  ctx: ServiceContext,
  alert: Alert,
): Promise<{ sent: boolean }> {
  const email = (await readAlertSettings(ctx.layout)).email
  if (!email?.enabled) return { sent: false }

  await sendEmail(email, alert)
  ctx.log.info({ to: email.to.length, host: email.host }, 'alert email sent')
  return { sent: true }
}

/** Sends through the configured SMTP server; AppError on any failure. */
export async function sendEmail(
  email: EmailSettings,
  alert: Alert,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    ...(email.user
      ? { auth: { user: email.user, pass: email.password ?? '' } }
      : {}),
  })

  try {
    await transport.sendMail({
      from: email.from,
      to: email.to.join(', '),
      subject: alert.title,
      text: `${alert.body}\n`,
    })
  } catch (error) {
    // nodemailer's text can echo the SMTP dialogue; keep only its message.
    const reason = error instanceof Error ? error.message : String(error)
    throw new AppError(
      'ALERT_EMAIL_FAILED',
      `The alert email could not be sent through ${email.host} port ${email.port}.`,
      { details: reason.replaceAll(email.password ?? '\u0000', '***') },
    )
  } finally {
    transport.close()
  }
}
