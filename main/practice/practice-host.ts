import type {
  PracticeKeyDelivery,
  PracticeStart,
} from '../../shared/practice-reports'
import type { ServiceContext } from '../services/context'
import {
  addPracticeDistrict,
  deliverDistrictKey,
  followPracticePort,
  SAMPLE_DOMAIN,
} from './practice-district'
import { practiceRootOf, recordedPort } from './practice-root'
import {
  DEFAULT_PROCESS_DELAY_SECONDS,
  DEFAULT_SYNC_DELAY_SECONDS,
  startPracticeServer,
  type PracticeServer,
} from './practice-server'

/**
 * The practice server as the wizard runs it: inside the main process, one
 * per home, started the first time someone practises and kept until the
 * app quits.
 */

export interface PracticeHostOptions {
  readonly syncDelaySeconds?: number
  readonly processDelaySeconds?: number
}

const hosts = new WeakMap<ServiceContext, PracticeHost>()

/** The practice host of a home's context, made on first use. */
export function practiceHostFor(
  ctx: ServiceContext,
  options: PracticeHostOptions = {},
): PracticeHost {
  const existing = hosts.get(ctx)
  if (existing) return existing

  const host = new PracticeHost(ctx, options)
  hosts.set(ctx, host)
  return host
}

export class PracticeHost {
  private starting: Promise<PracticeServer> | undefined
  private readonly syncDelaySeconds: number

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: PracticeHostOptions,
  ) {
    this.syncDelaySeconds =
      options.syncDelaySeconds ?? DEFAULT_SYNC_DELAY_SECONDS
  }

  get root(): string {
    return practiceRootOf(this.ctx.layout.root)
  }

  /** Starts the server if needed and makes sure the sample district exists. */
  async start(): Promise<PracticeStart> {
    const server = await this.server()
    const existing = await this.ctx.store
      .get(SAMPLE_DOMAIN)
      .catch(() => undefined)
    const district =
      existing ??
      (await addPracticeDistrict(this.ctx, SAMPLE_DOMAIN, {
        name: 'Practice ISD',
        port: server.port,
        root: this.root,
      }))

    return {
      district,
      port: server.port,
      syncDelaySeconds: this.syncDelaySeconds,
    }
  }

  /** Sends a practice district's key; says from when it will work. */
  async sendKey(domain: string): Promise<PracticeKeyDelivery> {
    await this.server()
    const delivery = await deliverDistrictKey(this.ctx, domain, this.root)
    const usable = new Date(
      new Date(delivery.deliveredAt).getTime() + this.syncDelaySeconds * 1000,
    )

    return {
      domain: delivery.domain,
      deliveredAt: delivery.deliveredAt,
      usableAt: usable.toISOString(),
    }
  }

  /** Waits until processing that is due has run. */
  async settled(): Promise<void> {
    if (this.starting) await (await this.starting).settled()
  }

  async stop(): Promise<void> {
    if (!this.starting) return
    const server = await this.starting.catch(() => undefined)
    this.starting = undefined
    await server?.close()
  }

  // Reuses the port of the last run so the districts' settings stay right;
  // falls back to any free port when it is taken.
  private server(): Promise<PracticeServer> {
    this.starting ??= (async () => {
      const common = {
        root: this.root,
        syncDelaySeconds: this.syncDelaySeconds,
        processDelaySeconds:
          this.options.processDelaySeconds ?? DEFAULT_PROCESS_DELAY_SECONDS,
        log: (line: string) => this.ctx.log.info({ practice: true }, line),
      }
      const last = await recordedPort(this.root)
      const server = await startPracticeServer({
        ...common,
        port: last ?? 0,
      }).catch(() => startPracticeServer({ ...common, port: 0 }))

      await followPracticePort(this.ctx, this.root, server.port)
      return server
    })()
    this.starting.catch(() => (this.starting = undefined))
    return this.starting
  }
}
