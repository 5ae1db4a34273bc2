import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { RecordingDesktop } from '../../main/ipc/desktop'
import { createHandlers, dispatch, type Emit } from '../../main/ipc/handlers'
import {
  practiceHostFor,
  type PracticeHostOptions,
} from '../../main/practice/practice-host'
import { createContext, type ServiceContext } from '../../main/services/context'
import { PROJECT_ROOT } from './cli'

/**
 * Opens the real built renderer in Debian's Chromium and binds the real
 * main-process handler table to it from the test process, the same table
 * Electron's IPC binds. Nothing behind `window.samegoal` is mocked: every
 * request reaches the services over a Playwright binding, and events are
 * delivered back into the page.
 */

export const CHROMIUM = '/usr/bin/chromium'
export const RENDERER_HTML = path.join(
  PROJECT_ROOT,
  'dist',
  'renderer',
  'index.html',
)
export const SCREENSHOT_DIR = path.join(
  PROJECT_ROOT,
  'test-artifacts',
  'screenshots',
)

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]

export interface WizardOptions {
  /** The home folder; a fresh temporary one when left out. */
  readonly home?: string
  readonly colorScheme?: 'light' | 'dark'
  readonly viewport?: { readonly width: number; readonly height: number }
  readonly deviceScaleFactor?: number
  /** Service hooks, for example a resolver that must fail. */
  readonly overrides?: Parameters<typeof createContext>[1]
  /** Shorter waits for the in-process practice server. */
  readonly practice?: PracticeHostOptions
}

export interface Wizard {
  readonly page: Page
  readonly home: string
  readonly ctx: ServiceContext
  readonly desktop: RecordingDesktop
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: string[]
  /** Saves a full-page PNG under test-artifacts/screenshots/ and returns its path. */
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

/** True where the browser tests can run: Chromium installed and the renderer built. */
export function browserAvailable(): boolean {
  return fs.existsSync(CHROMIUM) && fs.existsSync(RENDERER_HTML)
}

/** Why browserAvailable() is false, for a test's skip message. */
export function browserSkipReason(): string | false {
  if (!fs.existsSync(CHROMIUM))
    return 'needs chromium (apt-get install chromium)'
  if (!fs.existsSync(RENDERER_HTML))
    return 'needs the built renderer (node scripts/build.mjs)'
  return false
}

/** Launches Chromium with a fresh profile and opens the wizard bound to a home. */
export async function openWizard(options: WizardOptions = {}): Promise<Wizard> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-chromium-'))
  const ownHome = options.home === undefined
  const home =
    options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sg-wizard-home-'))

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: options.viewport ?? { width: 1100, height: 760 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    colorScheme: options.colorScheme ?? 'light',
    offline: true,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(15_000)
  const problems = watchProblems(page)

  const ctx = createContext(home, options.overrides)
  const practice = practiceHostFor(ctx, options.practice)
  const desktop = new RecordingDesktop()
  const handlers = createHandlers(ctx, desktop, eventSender(page))
  await bindBridge(context, handlers)
  await page.goto(pathToFileURL(RENDERER_HTML).toString())

  return {
    page,
    home,
    ctx,
    desktop,
    problems,
    screenshot: async (name) => {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
      const file = path.join(SCREENSHOT_DIR, `${name}.png`)
      await page.screenshot({ path: file, fullPage: true })
      return file
    },
    close: async () => {
      await context.close()
      await practice.stop()
      fs.rmSync(profile, { recursive: true, force: true })
      if (ownHome) fs.rmSync(home, { recursive: true, force: true })
    },
  }
}

// The page side of the bridge, shaped like BridgeApi in shared/ipc-contract.ts
// and defined before any page script runs, as Electron's preload is. A
// string, not a function, so the test runner's transforms cannot leak
// helper names into the page.
const BRIDGE_SCRIPT = `(() => {
  const listeners = new Map()
  Object.defineProperty(window, 'samegoal', {
    value: Object.freeze({
      invoke: (channel, payload) => window.__samegoalInvoke(channel, payload),
      on: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set()
        set.add(listener)
        listeners.set(channel, set)
        return () => set.delete(listener)
      },
    }),
  })
  Object.defineProperty(window, '__samegoalEmit', {
    value: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener(payload)
    },
  })
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error('CSP violation: ' + event.violatedDirective +
      ' blocked ' + event.blockedURI)
  })
})()`

async function bindBridge(
  context: BrowserContext,
  handlers: ReturnType<typeof createHandlers>,
): Promise<void> {
  await context.exposeBinding(
    '__samegoalInvoke',
    (_source, channel: unknown, payload: unknown) =>
      dispatch(handlers, channel, payload),
  )
  await context.addInitScript({ content: BRIDGE_SCRIPT })
}

// Events are delivered in order; one that arrives while the page is
// closing is dropped, as Electron drops sends to a destroyed window.
function eventSender(page: Page): Emit {
  let queue = Promise.resolve()

  return (channel, payload) => {
    queue = queue.then(() =>
      page
        .evaluate(
          ([c, p]) =>
            (
              window as unknown as {
                __samegoalEmit(c: string, p: unknown): void
              }
            ).__samegoalEmit(c, p),
          [channel, payload] as const,
        )
        .catch(() => undefined),
    )
  }
}

function watchProblems(page: Page): string[] {
  const problems: string[] = []

  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(String(error)))
  return problems
}
