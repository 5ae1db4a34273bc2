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
  'keys:import',
  'keys:state',
  'keys:email',
  'keys:record-shared',
  'connection:check',
  'connection:wait-for-key',
  'connection:stop-waiting',
  'connection:report',
  'export:preview',
  'upload:run',
  'upload:cancel',
  'history:read',
  'status:read',
  'schedule:show',
  'schedule:install',
  'schedule:remove',
  'schedule:run-now',
  'fleet:read',
  'districts:add-like',
  'practice:start',
  'practice:send-key',
] as const

export const EVENT_CHANNELS = [
  'upload:progress',
  'connection:phase',
  'connection:key-wait',
] as const

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
