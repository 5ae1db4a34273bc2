import type { z } from 'zod'
import { AppError, toErrorData } from '../../shared/errors'
import { pathErrorFrom } from '../../shared/fs-errors'
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
import type { ServiceContext } from '../services/context'
import {
  checkDistrictFields,
  WIZARD_FIELD_LABELS,
} from '../services/district-fields'
import { previewExport } from '../services/export-check'
import {
  markKeyShared,
  readKeyState,
  recordKeyShared,
  shareByEmail,
} from '../services/key-email'
import { importKey } from '../services/key-import'
import { generateKey, keyToShare, keyView } from '../services/keys'
import { readStatus } from '../services/processing-status'
import { runScheduleNow } from '../services/schedule/run-now'
import {
  installSchedule,
  removeSchedule,
  showSchedule,
} from '../services/schedule/service'
import { addDistrictLike } from '../services/district-copy'
import { readFleetAndNotify } from '../services/fleet-alerts'
import { lastRun, readRuns } from '../services/run-history'
import { cancelUpload, runUpload } from '../services/upload-run'
import { practiceHostFor } from '../practice/practice-host'
import { connectionHandlers } from './connection-handlers'
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
    'districts:add': ({ domain, fields }) =>
      ctx.store.add(domain, checkDistrictFields(fields, WIZARD_FIELD_LABELS)),
    'districts:update': ({ domain, fields }) =>
      ctx.store.set(domain, checkDistrictFields(fields, WIZARD_FIELD_LABELS)),
    'keys:generate': ({ domain, type, replace, passphrase }) =>
      generateKey(ctx.store, domain, type, {
        replace: replace === true,
        ...(passphrase ? { passphrase } : {}),
      }),
    'keys:show': async ({ domain }) => {
      const district = await ctx.store.get(domain)
      return district.key ? keyView(ctx.store, district) : null
    },
    'keys:copy-public': async ({ domain }) => {
      const view = keyToShare(ctx.store, await ctx.store.get(domain))
      desktop.copyText(`${view.publicKey}\n`)
      await recordKeyShared(ctx.store, domain, 'copied')
      return { copied: true }
    },
    'keys:import': ({ domain, text, passphrase }) =>
      importKey(ctx.store, domain, text, passphrase ? { passphrase } : {}),
    'keys:state': async ({ domain }) =>
      readKeyState(ctx.store, await ctx.store.get(domain)),
    'keys:email': ({ domain, via }) =>
      shareByEmail(ctx.store, desktop, domain, via),
    'keys:record-shared': ({ domain, route, installed }) =>
      markKeyShared(ctx.store, domain, route, installed === true),
    ...connectionHandlers(ctx, desktop, emit),
    'export:preview': async ({ domain }) =>
      previewExport(ctx, await ctx.store.get(domain)),
    'upload:run': ({ domain, allowStale, allowDrop }) =>
      runUpload(ctx, domain, {
        ...(allowStale ? { allowStale } : {}),
        ...(allowDrop ? { allowDrop } : {}),
        onProgress: (progress) => emit('upload:progress', progress),
      }),
    'upload:cancel': async ({ domain }) => ({
      cancelled: cancelUpload(domain),
    }),
    'history:read': async ({ domain, limit }) =>
      (await readRuns(ctx.layout, domain)).slice(-(limit ?? 100)).reverse(),
    'status:read': ({ domain }) => readStatus(ctx, domain),
    'schedule:show': ({ domain }) => showSchedule(ctx, domain),
    'schedule:install': ({ domain }) => installSchedule(ctx, domain),
    'schedule:remove': ({ domain }) => removeSchedule(ctx, domain),
    'schedule:run-now': ({ domain }) => runScheduleNow(ctx, domain),
    'fleet:read': ({ probe }) => readFleetAndNotify(ctx, desktop, probe),
    'districts:add-like': ({ domain, like, fields }) =>
      addDistrictLike(
        ctx,
        domain,
        like,
        checkDistrictFields(fields, WIZARD_FIELD_LABELS),
      ),
    'practice:start': () => practiceHostFor(ctx).start(),
    'practice:send-key': ({ domain }) => practiceHostFor(ctx).sendKey(domain),
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
      throw new AppError('INVALID_INPUT', plainProblems(parsed.error.issues), {
        details: `${channel}: ${parsed.error.message}`,
      })
    }

    const handler = handlers[channel] as (payload: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (error) {
    return { ok: false, error: toErrorData(pathErrorFrom(error) ?? error) }
  }
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  ...WIZARD_FIELD_LABELS,
  domain: 'The domain',
  passphrase: 'The passphrase',
  text: 'The key text',
}

// A value the form let through but the contract refuses, in plain words;
// the validator's own text stays in the details.
function plainProblems(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const key = String(issue.path.at(-1) ?? '')
    const field = FIELD_NAMES[key] ?? (key ? `The value of ${key}` : 'A value')
    if (issue.code === 'too_big' && 'maximum' in issue)
      return `${field} is too long: at most ${String(issue.maximum)} characters.`
    if (issue.code === 'too_small') return `${field} is missing or too short.`
    return `${field} is not valid.`
  })
  return [...new Set(lines)].join(' ')
}
