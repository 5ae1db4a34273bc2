import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { formatEpoch } from '../../shared/epoch'
import type { RunRecord } from '../../shared/settings-schema'
import type { ServiceContext } from '../../main/services/context'
import type { SshdServer } from '../harness/openssh-server'
import { EXPORT_NAME, studentsCsv } from './fixtures'

/**
 * An account with one processed epoch a night for `count` nights, and the
 * matching upload history: the shape of a district after ten years.
 * Returns the epoch names, oldest first.
 */
export async function seedProcessedAccount(
  ctx: ServiceContext,
  server: SshdServer,
  domain: string,
  count: number,
  now: Date,
): Promise<string[]> {
  const processed = path.join(server.accountRoot(domain), 'upload-processed')
  const names: string[] = []
  const lines: string[] = []
  const csv = studentsCsv(3)

  for (let night = count; night >= 1; night--) {
    const at = new Date(now.getTime() - night * 86_400_000)
    const epoch = formatEpoch(at)
    const dir = path.join(processed, epoch)
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, EXPORT_NAME), 'x')
    fs.writeFileSync(path.join(dir, 'COMPLETE'), '')
    fs.writeFileSync(path.join(dir, 'students.csv'), csv)
    names.push(epoch)
    lines.push(JSON.stringify(run(domain, epoch, at)))
  }

  const history = ctx.layout.historyFile(domain)
  fs.mkdirSync(path.dirname(history), { recursive: true })
  fs.writeFileSync(history, `${lines.join('\n')}\n`, { mode: 0o600 })
  return names
}

function run(domain: string, epoch: string, at: Date): RunRecord {
  return {
    id: crypto.randomUUID(),
    domain,
    startedAt: at.toISOString(),
    finishedAt: new Date(at.getTime() + 3000).toISOString(),
    durationMs: 3000,
    result: 'success',
    mode: 'epoch',
    file: `/exports/${EXPORT_NAME}`,
    epoch,
    records: 3,
  }
}
