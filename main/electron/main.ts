import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  app,
  BrowserWindow,
  clipboard,
  ipcMain,
  Notification,
  shell,
} from 'electron'
import { AppError, toErrorData } from '../../shared/errors'
import { runCli } from '../cli/program'
import type { Desktop } from '../ipc/desktop'
import { createHandlers, dispatch } from '../ipc/handlers'
import { createContext } from '../services/context'
import { resolveHome } from '../services/home'
import { openDailyLogger } from '../services/logger'
import { runHeadless } from './headless'
import { launchMode, launchPlan } from './launch-mode'
import { describeBindings, nativeBindings } from './native-bindings'
import {
  isTrustedSender,
  lockDownContents,
  secureWebPreferences,
} from './window-security'

// The Electron shell: thin on purpose. Everything it calls runs in plain
// Node and is tested there; only window creation and IPC binding live here.

const here = path.dirname(fileURLToPath(import.meta.url))
const mode = launchMode(process.argv)
const plan = launchPlan(mode)

if (mode.kind === 'headless') {
  // No window, no lock, no display: the scheduler's run must never be
  // swallowed by an open wizard, and its exit code is the command's own.
  if (plan.hideDock) app.dock?.hide()
  runHeadless(mode.args, { runCli, bindings: nativeBindings }).then(
    ({ exitCode }) => app.exit(exitCode),
    () => app.exit(1),
  )
} else if (plan.singleInstanceLock && !app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void app.whenReady().then(openWizard)
}

async function openWizard(): Promise<void> {
  const home = resolveHome()
  const log = openDailyLogger(path.join(home, 'logs'))
  const ctx = createContext(home, { log })
  log.info(describeBindings(nativeBindings()))
  const pageFile = path.join(here, 'renderer', 'index.html')
  const appUrl = pathToFileURL(pageFile).toString()

  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    title: 'SameGoal Ascender Connector',
    webPreferences: secureWebPreferences(path.join(here, 'preload.cjs')),
  })
  lockDownContents(win.webContents, appUrl)

  const desktop: Desktop = {
    copyText: (text) => clipboard.writeText(text),
    notify: (title, body) => new Notification({ title, body }).show(),
    // shell.openPath resolves with an error text, empty on success.
    openPath: async (file) => (await shell.openPath(file)) === '',
    openExternal: (url) =>
      shell.openExternal(url).then(
        () => true,
        () => false,
      ),
  }
  const handlers = createHandlers(ctx, desktop, (channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload)
  })

  ipcMain.handle(
    'samegoal:request',
    async (event, channel: unknown, payload: unknown) => {
      if (
        !isTrustedSender(BrowserWindow.getAllWindows(), event.sender, appUrl)
      ) {
        log.warn({ channel }, 'request from an untrusted sender dropped')
        return {
          ok: false,
          error: toErrorData(
            new AppError('INVALID_INPUT', 'Untrusted sender.'),
          ),
        }
      }
      return dispatch(handlers, channel, payload)
    },
  )

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  app.on('window-all-closed', () => app.quit())
  await win.loadFile(pageFile)
}
