import fs from 'node:fs'
import path from 'node:path'
import { sampleExportText } from '../../main/processor/sample-export'
import { createContext, type ServiceContext } from '../../main/services/context'
import { generateKey } from '../../main/services/keys'
import type { RunSettings, UploadMode } from '../../shared/settings-schema'
import { runCliProcess, tempDir, type CliResult } from '../harness/cli'

/** A district in a fresh home, with a key, a pinned host key and quick run settings. */

export interface TestDistrict {
  readonly domain: string
  readonly home: string
  readonly exportDir: string
  readonly ctx: ServiceContext
  readonly publicKey: string
  upload(...args: string[]): Promise<CliResult>
  /** Writes a stand-in export of about `records` x 150 bytes; returns its path. */
  writeExport(
    records: number,
    options?: { name?: string; ageHours?: number },
  ): string
  runLog(result: CliResult): string
  cleanup(): void
}

/** Run settings short enough for tests: no settle wait, quick watchdog. */
export const QUICK_RUN: RunSettings = {
  settleMs: 0,
  stallMs: 1500,
  retries: 2,
  retryDelayMs: 100,
}

export async function makeDistrict(options: {
  readonly domain: string
  readonly port: number
  readonly hostKeySha256: string
  readonly mode?: UploadMode
  readonly run?: RunSettings
}): Promise<TestDistrict> {
  const home = tempDir('sg-up-home')
  const exportDir = tempDir('sg-up-export')
  const ctx = createContext(home)
  const { domain } = options

  await ctx.store.add(domain, {
    host: '127.0.0.1',
    port: options.port,
    exportDir,
    countyDistrict: '015907',
    mode: options.mode ?? 'epoch',
  })
  const key = await generateKey(ctx.store, domain, 'ed25519')
  await ctx.store.update(domain, (current) => ({
    ...current,
    run: { ...QUICK_RUN, ...options.run },
    hostKey: {
      type: 'ssh-ed25519',
      sha256: options.hostKeySha256,
      md5: 'MD5:not-checked',
      pinnedAt: new Date().toISOString(),
    },
  }))

  return {
    domain,
    home,
    exportDir,
    ctx,
    publicKey: key.publicKey,
    upload: (...args) =>
      runCliProcess(home, ['upload', domain, '--json', ...args]),
    writeExport: (records, { name, ageHours = 0 } = {}) => {
      const file = path.join(exportDir, name ?? 'TxEISStudent_015907.txt')
      fs.writeFileSync(file, sampleExportText({ records }))
      const when = new Date(Date.now() - ageHours * 3600_000)
      fs.utimesSync(file, when, when)
      return file
    },
    runLog: (result) => {
      const file = result.json['logFile']
      if (typeof file === 'string') return fs.readFileSync(file, 'utf8')
      const dir = ctx.layout.runLogsDir
      return fs
        .readdirSync(dir)
        .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'))
        .join('\n')
    },
    cleanup: () => {
      fs.rmSync(home, { recursive: true, force: true })
      fs.rmSync(exportDir, { recursive: true, force: true })
    },
  }
}

/** The epoch folders in an account's upload folder on disk, sorted. */
export function epochsOnDisk(uploadDir: string): string[] {
  return fs
    .readdirSync(uploadDir)
    .filter((name) => /^\d{8}-\d{6}$/.test(name))
    .sort()
}
