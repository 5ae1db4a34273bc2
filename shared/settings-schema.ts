import { z } from 'zod'

/**
 * The on-disk shape of a district's settings. Versioned so a later release
 * can migrate old files instead of misreading them.
 */

export const SETTINGS_VERSION = 1

const isoTime = z.string().datetime({ offset: true })

export const hostKeyPinSchema = z.object({
  type: z.string(),
  sha256: z.string().startsWith('SHA256:'),
  md5: z.string().startsWith('MD5:'),
  pinnedAt: isoTime,
})

export const keyRecordSchema = z.object({
  type: z.enum(['rsa', 'ed25519']),
  bits: z.number().int().positive(),
  file: z.string().min(1),
  publicKey: z.string().min(1),
  comment: z.string(),
  sha256: z.string(),
  md5: z.string(),
  createdAt: isoTime,
  source: z.enum(['generated', 'imported']),
  /** The form the key was imported from, for example ppk-v3 or pkcs8. */
  importedFrom: z.string().optional(),
  /** The stored private key needs a passphrase to be used. */
  encrypted: z.boolean().optional(),
})

export const keySharedSchema = z.object({
  at: isoTime,
  route: z.enum(['email', 'web', 'copied', 'saved', 'practice']),
  /** Which key was shared, by its SHA256 fingerprint. */
  sha256: z.string().optional(),
  /** When the technician confirmed SameGoal installed it. */
  installedAt: isoTime.optional(),
})

/** Tuning for the nightly run; every field has a default in the run itself. */
export const runSettingsSchema = z.object({
  /** How long size and modification time must stay unchanged. */
  settleMs: z.number().int().nonnegative().optional(),
  /** An export older than this is refused as not tonight's. */
  maxAgeHours: z.number().positive().optional(),
  /** A record count this share below the last success holds the run. */
  maxDropShare: z.number().min(0).max(1).optional(),
  /** No upload progress for this long aborts the attempt. */
  stallMs: z.number().int().positive().optional(),
  /** Extra attempts after a network failure. */
  retries: z.number().int().min(0).max(10).optional(),
  retryDelayMs: z.number().int().nonnegative().optional(),
  /** SFTP channels writing in parallel, and writes in flight on each. */
  channels: z.number().int().min(1).max(8).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  /** The district's own command that produces the export first. */
  preExport: z
    .object({
      command: z.string().min(1),
      timeoutMs: z.number().int().positive().optional(),
    })
    .optional(),
})

export type RunSettings = z.infer<typeof runSettingsSchema>

/** Time limits of the connection phases, in seconds; defaults apply otherwise. */
export const connectionTimeoutsSchema = z.object({
  resolve: z.number().positive().optional(),
  connect: z.number().positive().optional(),
  greeting: z.number().positive().optional(),
  login: z.number().positive().optional(),
  keepalive: z.number().positive().optional(),
})

export type ConnectionTimeouts = z.infer<typeof connectionTimeoutsSchema>

/** An outbound proxy as a URL: socks5://host:port or http://host:port. */
export const proxyUrlSchema = z
  .string()
  .regex(
    /^(socks5h?|http):\/\/([^@/\s]+@)?([^:/\s[\]]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}\/?$/,
  )

export const districtSettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  domain: z.string().min(1),
  name: z.string(),
  countyDistrict: z.string().optional(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  exportDir: z.string().optional(),
  pattern: z.string().min(1),
  at: z.string().regex(/^\d{2}:\d{2}$/),
  mode: z.enum(['epoch', 'direct']),
  practice: z.boolean().optional(),
  hostKey: hostKeyPinSchema.optional(),
  key: keyRecordSchema.optional(),
  keyShared: keySharedSchema.optional(),
  /** A new key waiting for its first successful login; `key` stays in use. */
  pendingKey: keyRecordSchema.optional(),
  /** Set when the nightly run was registered with the OS scheduler. */
  scheduled: z.object({ backend: z.string(), installedAt: isoTime }).optional(),
  run: runSettingsSchema.optional(),
  proxy: proxyUrlSchema.or(z.literal('')).optional(),
  timeouts: connectionTimeoutsSchema.optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
})

export type HostKeyPin = z.infer<typeof hostKeyPinSchema>
export type KeyRecord = z.infer<typeof keyRecordSchema>
export type DistrictSettings = z.infer<typeof districtSettingsSchema>
export type UploadMode = DistrictSettings['mode']

export const runRecordSchema = z.object({
  id: z.string(),
  domain: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime,
  durationMs: z.number().nonnegative(),
  result: z.enum(['success', 'failed', 'refused']),
  mode: z.enum(['epoch', 'direct']),
  file: z.string().optional(),
  bytes: z.number().nonnegative().optional(),
  records: z.number().nonnegative().optional(),
  epoch: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  logFile: z.string().optional(),
  remotePath: z.string().optional(),
  throughputBps: z.number().nonnegative().optional(),
  retries: z.number().int().nonnegative().optional(),
  transfer: z.string().optional(),
  warnings: z.array(z.string()).optional(),
})

export type RunRecord = z.infer<typeof runRecordSchema>

export const DISTRICT_DEFAULTS = {
  host: 'sftp.samegoal.com',
  port: 22,
  pattern: 'TxEISStudent_*.txt',
  at: '02:00',
  mode: 'epoch',
} as const
