import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isEventChannel, isRequestChannel } from '../../shared/ipc-channels'
import type { BridgeApi } from '../../shared/ipc-contract'

// The narrow bridge: one named object with exactly the contract's channels.
// ipcRenderer itself is never exposed.

const api: BridgeApi = {
  invoke: (channel, payload) => {
    if (!isRequestChannel(channel))
      return Promise.reject(new Error('unknown channel'))
    return ipcRenderer.invoke('samegoal:request', channel, payload)
  },
  on: (channel, listener) => {
    if (!isEventChannel(channel)) return () => undefined
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void =>
      listener(payload as never)
    ipcRenderer.on(channel, wrapped)
    return () => ipcRenderer.off(channel, wrapped)
  },
}

contextBridge.exposeInMainWorld('samegoal', api)
