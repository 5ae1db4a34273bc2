import { AppError, toErrorData } from '../../shared/errors'
import {
  isRequestChannel,
  type EventChannel,
  type RequestChannel,
} from '../../shared/ipc-channels'
import {
  requestSchemas,
  type Envelope,
  type EventPayloads,
  type RequestPayload,
  type ResponseTypes,
} from '../../shared/ipc-contract'
import { checkConnection } from '../services/connection-check'
import type { ServiceContext } from '../services/context'
import { previewExport } from '../services/export-file'
import { generateKey, keyView } from '../services/keys'
import { readStatus } from '../services/processing-status'
import { lastRun } from '../services/run-history'
import { runUpload } from '../services/upload-run'
import type { Desktop } from './desktop'

/**
 * The handler table behind every IPC request channel. It is plain Node:
 * Electron's ipcMain binds it in the app, and the browser tests bind the
 * very same table to a page, so no service is mocked anywhere.
 */

export type Emit = <E extends EventChannel>(
  channel: E,
  payload: EventPayloads[E],
) => void

type Handlers = {
  [C in RequestChannel]: (
    payload: RequestPayload<C>,
  ) => Promise<ResponseTypes[C]>
}

/** Builds the handlers for one home. */
export function createHandlers(
  ctx: ServiceContext,
  desktop: Desktop,
  emit: Emit,
): Handlers {
  return {
    'districts:list': async () => {
      const districts = await ctx.store.list()
      return Promise.all(
        districts.map(async (settings) => {
          const run = await lastRun(ctx.layout, settings.domain)
          return run ? { settings, lastRun: run } : { settings }
        }),
      )
    },
    'districts:add': ({ domain, fields }) => ctx.store.add(domain, fields),
    'districts:update': ({ domain, fields }) => ctx.store.set(domain, fields),
    'keys:generate': ({ domain, type, replace }) =>
      generateKey(ctx.store, domain, type, { replace: replace === true }),
    'keys:show': async ({ domain }) => {
      const district = await ctx.store.get(domain)
      return district.key ? keyView(ctx.store, district) : null
    },
    'keys:copy-public': async ({ domain }) => {
      const view = keyView(ctx.store, await ctx.store.get(domain))
      desktop.copyText(`${view.publicKey}\n`)
      return { copied: true }
    },
    'connection:check': ({ domain, trustFingerprint }) =>
      checkConnection(
        ctx,
        domain,
        trustFingerprint ? { fingerprint: trustFingerprint } : {},
        (phase) => emit('connection:phase', { domain, phase }),
      ),
    'export:preview': async ({ domain }) =>
      previewExport(await ctx.store.get(domain)),
    'upload:run': ({ domain }) =>
      runUpload(ctx, domain, {
        onProgress: (progress) => emit('upload:progress', progress),
      }),
    'status:read': ({ domain }) => readStatus(ctx, domain),
  }
}

/**
 * Validates a raw request and runs its handler. Always resolves: failures
 * come back as error data, so they cross IPC intact.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
): Promise<Envelope<unknown>> {
  try {
    if (!isRequestChannel(channel)) {
      throw new AppError(
        'INVALID_INPUT',
        `Unknown request channel ${String(channel)}.`,
      )
    }
    const parsed = requestSchemas[channel].safeParse(payload ?? {})
    if (!parsed.success) {
      throw new AppError(
        'INVALID_INPUT',
        `The request for ${channel} is not valid: ${parsed.error.message}`,
      )
    }

    const handler = handlers[channel] as (payload: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (error) {
    return { ok: false, error: toErrorData(error) }
  }
}
