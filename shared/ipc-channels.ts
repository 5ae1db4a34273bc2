/**
 * The names of every IPC channel, kept apart from their schemas so the
 * preload script can allow exactly these and nothing else.
 */

export const REQUEST_CHANNELS = [
  'districts:list',
  'districts:add',
  'districts:update',
  'keys:generate',
  'keys:show',
  'keys:copy-public',
  'connection:check',
  'export:preview',
  'upload:run',
  'status:read',
] as const

export const EVENT_CHANNELS = ['upload:progress', 'connection:phase'] as const

export type RequestChannel = (typeof REQUEST_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]

/** True for a channel the contract defines. */
export function isRequestChannel(name: unknown): name is RequestChannel {
  return (
    typeof name === 'string' &&
    (REQUEST_CHANNELS as readonly string[]).includes(name)
  )
}

export function isEventChannel(name: unknown): name is EventChannel {
  return (
    typeof name === 'string' &&
    (EVENT_CHANNELS as readonly string[]).includes(name)
  )
}
