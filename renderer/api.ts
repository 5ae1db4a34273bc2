import type { ErrorData } from '../shared/errors'
import type { EventChannel, RequestChannel } from '../shared/ipc-channels'
import type {
  BridgeApi,
  EventPayloads,
  RequestPayload,
  ResponseTypes,
} from '../shared/ipc-contract'

declare global {
  interface Window {
    readonly samegoal: BridgeApi
  }
}

/** A failure from the main process, rebuilt on this side with its data. */
export class UiError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message)
  }
}

/** Calls a request channel; resolves with the value or throws a UiError. */
export async function call<C extends RequestChannel>(
  channel: C,
  payload: RequestPayload<C>,
): Promise<ResponseTypes[C]> {
  const envelope = await window.samegoal.invoke(channel, payload)
  if (envelope.ok) return envelope.value

  throw new UiError(envelope.error)
}

/** Subscribes to an event channel; returns the unsubscribe function. */
export function listen<E extends EventChannel>(
  channel: E,
  listener: (payload: EventPayloads[E]) => void,
): () => void {
  return window.samegoal.on(channel, listener)
}

/** The error data behind anything thrown in the UI. */
export function errorData(error: unknown): ErrorData {
  if (error instanceof UiError) return error.data

  return {
    code: 'INTERNAL',
    message: String((error as Error)?.message ?? error),
    title: 'Something unexpected went wrong',
    whatToDo: 'Try again.',
    exitCode: 1,
  }
}
