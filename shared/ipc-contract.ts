import { z } from 'zod'
import type { ErrorData } from './errors'
import type { EventChannel, RequestChannel } from './ipc-channels'
import type {
  PracticeKeyDelivery,
  PracticeStart,
} from './practice-reports'
import type {
  CheckPhase,
  CheckReport,
  KeyWaitTick,
  DistrictView,
  ExportPreview,
  KeyState,
  KeyView,
  StatusReport,
  UploadProgress,
  UploadResult,
} from './reports'
import type { DistrictSettings, RunRecord } from './settings-schema'
import type { FleetReport } from './status-reports'
import type { ScheduledRunResult, ScheduleView } from './schedule'

/**
 * The one IPC contract between the wizard window and the main process:
 * each request channel's payload schema (main validates every payload with
 * it) and result type, and each event channel's payload.
 */

const domain = z.object({ domain: z.string().min(1).max(253) })

const districtFields = z.object({
  name: z.string().max(200).optional(),
  countyDistrict: z.string().max(6).optional(),
  host: z.string().max(253).optional(),
  // Checked in main with the CLI's rules, so typed text gets their message.
  port: z.union([z.number(), z.string().max(16)]).optional(),
  exportDir: z.string().max(4096).optional(),
  pattern: z.string().max(200).optional(),
  at: z.string().max(5).optional(),
  mode: z.enum(['epoch', 'direct']).optional(),
  /** socks5://HOST:PORT or http://HOST:PORT; empty connects directly. */
  proxy: z.string().max(2048).optional(),
})

export const requestSchemas = {
  'districts:list': z.object({}),
  'districts:add': domain.extend({ fields: districtFields }),
  'districts:update': domain.extend({ fields: districtFields }),
  'keys:generate': domain.extend({
    type: z.enum(['rsa', 'ed25519']),
    replace: z.boolean().optional(),
    passphrase: z.string().max(1024).optional(),
  }),
  'keys:show': domain,
  'keys:copy-public': domain,
  'keys:import': domain.extend({
    text: z.string().max(65536),
    passphrase: z.string().max(1024).optional(),
  }),
  'keys:state': domain,
  'keys:email': domain.extend({ via: z.enum(['eml', 'mailto']) }),
  'keys:record-shared': domain.extend({
    route: z.enum(['email', 'web', 'copied', 'saved']),
    installed: z.boolean().optional(),
  }),
  'connection:check': domain.extend({
    trustFingerprint: z.string().max(200).optional(),
    passphrase: z.string().max(1024).optional(),
  }),
  'connection:wait-for-key': domain.extend({
    minutes: z.number().positive().max(240).optional(),
    trustFingerprint: z.string().max(200).optional(),
  }),
  'connection:stop-waiting': domain,
  'connection:report': domain,
  'export:preview': domain,
  'upload:run': domain.extend({
    allowStale: z.boolean().optional(),
    allowDrop: z.boolean().optional(),
  }),
  'upload:cancel': domain,
  'history:read': domain.extend({
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'status:read': domain,
  'schedule:show': domain,
  'schedule:install': domain,
  'schedule:remove': domain,
  'schedule:run-now': domain,
  'fleet:read': z.object({ probe: z.boolean() }),
  'districts:add-like': domain.extend({
    like: z.string().min(1).max(253),
    fields: districtFields,
  }),
  'practice:start': z.object({}),
  'practice:send-key': domain,
} as const satisfies Record<RequestChannel, z.ZodType>

export interface ResponseTypes {
  'districts:list': DistrictView[]
  'districts:add': DistrictSettings
  'districts:update': DistrictSettings
  'keys:generate': KeyView
  'keys:show': KeyView | null
  'keys:copy-public': { copied: true }
  'keys:import': KeyView
  'keys:state': KeyState
  'keys:email': { file: string; mailto: string; opened: boolean }
  'keys:record-shared': KeyState
  'connection:check': CheckReport
  'connection:wait-for-key': CheckReport
  'connection:stop-waiting': { stopped: boolean }
  'connection:report': { text: string; copied: boolean }
  'export:preview': ExportPreview
  'upload:run': UploadResult
  'upload:cancel': { cancelled: boolean }
  'history:read': RunRecord[]
  'status:read': StatusReport
  'schedule:show': ScheduleView
  'schedule:install': ScheduleView
  'schedule:remove': { domain: string; removed: boolean }
  'schedule:run-now': ScheduledRunResult
  'fleet:read': FleetReport
  'districts:add-like': DistrictSettings
  'practice:start': PracticeStart
  'practice:send-key': PracticeKeyDelivery
}

export type RequestPayload<C extends RequestChannel> = z.infer<
  (typeof requestSchemas)[C]
>

export interface EventPayloads {
  'upload:progress': UploadProgress
  'connection:phase': { domain: string; phase: CheckPhase }
  'connection:key-wait': KeyWaitTick
}

/** What crosses the wire for every request: a value or error data, never a throw. */
export type Envelope<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ErrorData }

/** The API the preload script puts on `window.samegoal`. */
export interface BridgeApi {
  invoke<C extends RequestChannel>(
    channel: C,
    payload: RequestPayload<C>,
  ): Promise<Envelope<ResponseTypes[C]>>
  on<E extends EventChannel>(
    channel: E,
    listener: (payload: EventPayloads[E]) => void,
  ): () => void
}
