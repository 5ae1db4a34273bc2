import type { BrowserWindow, WebContents, WebPreferences } from 'electron'

/** The only preferences a wizard window is ever created with. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    spellcheck: false,
  }
}

/** Denies navigation away from the app, new windows and webviews. */
export function lockDownContents(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== appUrl) event.preventDefault()
  })
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** True when an IPC message comes from one of our own windows. */
export function isTrustedSender(
  windows: readonly BrowserWindow[],
  contents: WebContents,
  appUrl: string,
): boolean {
  const ours = windows.some(
    (w) => !w.isDestroyed() && w.webContents.id === contents.id,
  )

  return ours && contents.getURL() === appUrl
}
