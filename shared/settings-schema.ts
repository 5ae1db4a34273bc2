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
})

export const keySharedSchema = z.object({
  at: isoTime,
  route: z.enum(['email', 'web', 'copied', 'saved', 'practice']),
})

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
})

export type RunRecord = z.infer<typeof runRecordSchema>

export const DISTRICT_DEFAULTS = {
  host: 'sftp.samegoal.com',
  port: 22,
  pattern: 'TxEISStudent_*.txt',
  at: '02:00',
  mode: 'epoch',
} as const
