import fs from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import type { HomeLayout } from './home'

/**
 * Monitoring settings for the whole home, in `alerts.json`: when an epoch
 * counts as stuck, when a district counts as stale, how far apart copied
 * districts are scheduled, and optional email alerts (off by default).
 * The SMTP password lives only in this file (mode 0600) and is never
 * logged or shown back.
 */

export const ALERTS_FILE = 'alerts.json'

export const emailSettingsSchema = z.object({
  enabled: z.boolean(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** TLS from the start (port 465); otherwise STARTTLS when offered. */
  secure: z.boolean(),
  user: z.string().optional(),
  password: z.string().optional(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
})

export const alertSettingsSchema = z.object({
  /** Pending longer than this is stuck; SameGoal usually takes hours. */
  stuckAfterHours: z.number().positive().default(12),
  /** No processed epoch for this long marks a district stale. */
  staleAfterHours: z.number().positive().default(36),
  /** An epoch without COMPLETE older than this is a crashed run's left-over. */
  leftoverAfterHours: z.number().positive().default(24),
  /** Minutes between a copied district's run time and its model's. */
  staggerMinutes: z.number().int().min(0).max(720).default(10),
  desktop: z.boolean().default(true),
  email: emailSettingsSchema.optional(),
})

export type AlertSettings = z.infer<typeof alertSettingsSchema>
export type EmailSettings = z.infer<typeof emailSettingsSchema>

/** The settings with every default filled in. */
export const DEFAULT_ALERT_SETTINGS: AlertSettings = alertSettingsSchema.parse(
  {},
)

function settingsFile(layout: HomeLayout): string {
  return path.join(layout.root, ALERTS_FILE)
}

/** Reads the home's monitoring settings; defaults when there is no file. */
export async function readAlertSettings(
  layout: HomeLayout,
): Promise<AlertSettings> {
  let text: string
  try {
    text = await fs.readFile(settingsFile(layout), 'utf8')
  } catch (error) {
    // Only a missing file means "defaults"; a folder or an unreadable file
    // in its place would otherwise silently turn alerts back on or off.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return DEFAULT_ALERT_SETTINGS
    throw invalid(layout, 'cannot be read', error)
  }

  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw invalid(layout, 'is not valid JSON', error)
  }
  const parsed = alertSettingsSchema.safeParse(raw)
  if (!parsed.success)
    throw invalid(layout, `are not valid: ${issuesText(parsed.error)}`)

  return parsed.data
}

/** Saves a change to the monitoring settings atomically. */
export async function updateAlertSettings(
  layout: HomeLayout,
  change: (current: AlertSettings) => AlertSettings,
): Promise<AlertSettings> {
  const parsed = alertSettingsSchema.safeParse(
    change(await readAlertSettings(layout)),
  )
  if (!parsed.success) {
    throw new AppError(
      'INVALID_INPUT',
      `These alert settings are out of range: ${issuesText(parsed.error)}. Nothing was changed.`,
    )
  }
  const next = parsed.data

  await fs.mkdir(layout.root, { recursive: true })
  await writeFileAtomic(
    settingsFile(layout),
    `${JSON.stringify(next, null, 2)}\n`,
    { mode: 0o600 },
  )
  return next
}

/** The settings safe to show or print: the SMTP password replaced. */
export function redactAlertSettings(settings: AlertSettings): AlertSettings {
  if (!settings.email?.password) return settings

  return { ...settings, email: { ...settings.email, password: '(set)' } }
}

function invalid(
  layout: HomeLayout,
  problem: string,
  cause?: unknown,
): AppError {
  return new AppError(
    'INVALID_SETTINGS',
    `The alert settings file ${settingsFile(layout)} ${problem}.`,
    { cause },
  )
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`)
    .join('; ')
}
