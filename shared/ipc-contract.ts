import { z } from 'zod'
import type { ErrorData } from './errors'
import type { EventChannel, RequestChannel } from './ipc-channels'
import type {
  CheckPhase,
  CheckReport,
  DistrictView,
  ExportPreview,
  KeyView,
  StatusReport,
  UploadProgress,
  UploadResult,
} from './reports'
import type { DistrictSettings } from './settings-schema'

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
  port: z.number().int().min(1).max(65535).optional(),
  exportDir: z.string().max(4096).optional(),
  pattern: z.string().max(200).optional(),
  at: z.string().max(5).optional(),
  mode: z.enum(['epoch', 'direct']).optional(),
})

export const requestSchemas = {
  'districts:list': z.object({}),
  'districts:add': domain.extend({ fields: districtFields }),
  'districts:update': domain.extend({ fields: districtFields }),
  'keys:generate': domain.extend({
    type: z.enum(['rsa', 'ed25519']),
    replace: z.boolean().optional(),
  }),
  'keys:show': domain,
  'keys:copy-public': domain,
  'connection:check': domain.extend({
    trustFingerprint: z.string().max(200).optional(),
  }),
  'export:preview': domain,
  'upload:run': domain,
  'status:read': domain,
} as const satisfies Record<RequestChannel, z.ZodType>

export interface ResponseTypes {
  'districts:list': DistrictView[]
  'districts:add': DistrictSettings
  'districts:update': DistrictSettings
  'keys:generate': KeyView
  'keys:show': KeyView | null
  'keys:copy-public': { copied: true }
  'connection:check': CheckReport
  'export:preview': ExportPreview
  'upload:run': UploadResult
  'status:read': StatusReport
}

export type RequestPayload<C extends RequestChannel> = z.infer<
  (typeof requestSchemas)[C]
>

export interface EventPayloads {
  'upload:progress': UploadProgress
  'connection:phase': { domain: string; phase: CheckPhase }
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
