import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import ssh2, { type AuthContext, type Connection } from 'ssh2'
import { isDnsName } from '../../shared/domain'
import { AppError } from '../../shared/errors'
import { processAccount } from '../processor/samegoal-processor'
import {
  accountRootOf,
  hasAccount,
  loadHostKey,
  readAuthorizedKeys,
  recordPort,
} from './practice-root'
import { serveAccount } from './sftp-account'

/**
 * The practice server: an SFTP server on 127.0.0.1 that behaves like
 * SameGoal's for each practice district under its root. Keys count only
 * once they are older than the sync delay, so the wait after sending a key
 * is felt; finished epochs are processed a little after COMPLETE arrives,
 * by the same processor the test harness uses.
 */

export const DEFAULT_SYNC_DELAY_SECONDS = 30
export const DEFAULT_PROCESS_DELAY_SECONDS = 3

export interface PracticeServerOptions {
  readonly root: string
  /** 0 picks any free port. */
  readonly port: number
  readonly syncDelaySeconds?: number
  readonly processDelaySeconds?: number
  /** One line per event worth telling a person about. */
  readonly log?: (line: string) => void
  readonly now?: () => Date
}

export interface PracticeServer {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly root: string
  /** Waits for processing that is due or running, for tests and the demo. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** Starts the practice server; resolves once it listens. */
export async function startPracticeServer(
  options: PracticeServerOptions,
): Promise<PracticeServer> {
  const hostKey = await loadHostKey(options.root)
  const log = options.log ?? (() => undefined)
  const processing = new AccountProcessing(
    options.root,
    (options.processDelaySeconds ?? DEFAULT_PROCESS_DELAY_SECONDS) * 1000,
    log,
  )
  const clients = new Set<Connection>()

  const server = new ssh2.Server(
    { hostKeys: [hostKey], ident: 'SameGoalAscenderPractice' },
    (client) => {
      clients.add(client)
      client.on('close', () => clients.delete(client))
      client.on('error', () => client.end())
      handleClient(client, options, log, processing)
    },
  )

  const port = await listen(server, options.port)
  await recordPort(options.root, port)
  await processing.scheduleAll()

  return {
    host: '127.0.0.1',
    port,
    root: options.root,
    settled: () => processing.settled(),
    close: async () => {
      for (const client of clients) client.end()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await processing.stop()
    },
  }
}

function listen(server: ssh2.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new AppError(
              'PRACTICE_PORT_IN_USE',
              `Port ${port} on 127.0.0.1 is already in use.`,
              { cause: error },
            )
          : error,
      )
    })
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

function handleClient(
  client: Connection,
  options: PracticeServerOptions,
  log: (line: string) => void,
  processing: AccountProcessing,
): void {
  let domain: string | undefined

  client.on('authentication', (ctx) => {
    void authenticate(ctx, options, log, (user) => (domain = user))
  })

  client.on('ready', () => {
    if (!domain) {
      client.end()
      return
    }
    const account = accountRootOf(options.root, domain)
    const name = domain

    client.on('session', (accept) => {
      const session = accept()
      session.on('sftp', (acceptSftp) => {
        serveAccount(acceptSftp(), account, {
          onUploadChanged: () => processing.schedule(name),
        })
      })
    })
  })
}

// Public keys only, from the account's authorized_keys, and only once each
// key is older than the sync delay.
async function authenticate(
  ctx: AuthContext,
  options: PracticeServerOptions,
  log: (line: string) => void,
  onAccepted: (user: string) => void,
): Promise<boolean> {
  const user = ctx.username
  if (ctx.method !== 'publickey') {
    ctx.reject(['publickey'])
    return false
  }
  if (!isDnsName(user) || !(await hasAccount(options.root, user))) {
    log(`refused ${user}: no practice account of that name`)
    ctx.reject(['publickey'])
    return false
  }

  const offered = ctx.key.data
  const now = (options.now ?? (() => new Date()))().getTime()
  const delayMs =
    (options.syncDelaySeconds ?? DEFAULT_SYNC_DELAY_SECONDS) * 1000
  const keys = await readAuthorizedKeys(accountRootOf(options.root, user))
  const match = keys.find((k) => sameKey(k.line, offered))

  if (!match) {
    log(`refused ${user}: that key was not delivered to this account`)
    ctx.reject(['publickey'])
    return false
  }
  const waitMs = match.deliveredAt.getTime() + delayMs - now
  if (waitMs > 0) {
    log(
      `refused ${user}: key not synced yet (usable in ${Math.ceil(waitMs / 1000)} s)`,
    )
    ctx.reject(['publickey'])
    return false
  }

  if (!ctx.signature || !ctx.blob) {
    ctx.accept()
    return false
  }
  const parsed = ssh2.utils.parseKey(match.line)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  const valid =
    key !== undefined &&
    !(key instanceof Error) &&
    key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)
  if (!valid) {
    ctx.reject(['publickey'])
    return false
  }
  log(`${user} logged in`)
  onAccepted(user)
  ctx.accept()
  return true
}

function sameKey(line: string, offered: Buffer): boolean {
  const parsed = ssh2.utils.parseKey(line)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key || key instanceof Error) return false

  const known = key.getPublicSSH()
  return (
    known.length === offered.length && crypto.timingSafeEqual(known, offered)
  )
}

// One processor run at a time per account, a little after the last change.
class AccountProcessing {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly running = new Map<string, Promise<void>>()
  private stopped = false

  constructor(
    private readonly root: string,
    private readonly delayMs: number,
    private readonly log: (line: string) => void,
  ) {}

  schedule(domain: string): void {
    if (this.stopped) return
    clearTimeout(this.timers.get(domain))
    this.timers.set(
      domain,
      setTimeout(() => {
        this.timers.delete(domain)
        this.run(domain)
      }, this.delayMs),
    )
  }

  /** Picks up epochs finished while the server was not running. */
  async scheduleAll(): Promise<void> {
    const names = await fs.readdir(this.root).catch(() => [] as string[])
    for (const name of names) {
      if (isDnsName(name) && (await hasAccount(this.root, name)))
        this.schedule(name)
    }
  }

  async settled(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      await Promise.all(this.running.values())
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await Promise.all(this.running.values())
  }

  private run(domain: string): void {
    const previous = this.running.get(domain) ?? Promise.resolve()
    const next = previous
      .then(() => processAccount(accountRootOf(this.root, domain)))
      .then((results) => {
        for (const r of results)
          this.log(
            `${domain}: epoch ${r.epoch} ${r.outcome} (${r.students} students, ${r.guardians} guardians)`,
          )
      })
      .catch((error: unknown) =>
        this.log(`${domain}: processing stopped: ${String(error)}`),
      )
      .finally(() => {
        if (this.running.get(domain) === next) this.running.delete(domain)
      })
    this.running.set(domain, next)
  }
}
