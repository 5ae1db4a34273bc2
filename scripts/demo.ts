// The whole five-step flow, headless, against the built-in practice server
// in a temporary home: `npm run demo`. Prints each step's result and exits
// non-zero if any step fails. Nothing leaves this computer.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../main/cli/program'
import { writeSampleExport } from '../main/processor/sample-export'
import { STAND_IN_LABEL } from '../main/processor/stand-in-layout'
import { SAMPLE_COUNTY_DISTRICT } from '../main/practice/practice-district'
import { startPracticeServer } from '../main/practice/practice-server'

const DOMAIN = 'demo-isd.example'
const SYNC_SECONDS = 3

type Json = Record<string, unknown>

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'samegoal-demo-'))
let failed = 0

/** Runs one CLI command in this process and returns its JSON answer. */
async function cli(...args: string[]): Promise<{ code: number; json: Json }> {
  let out = ''
  const code = await runCli(['--home', home, '--json', ...args], {
    io: { stdout: (text) => (out += text), stderr: () => undefined },
  })
  return { code, json: JSON.parse(out || '{}') as Json }
}

/** Prints one step's result; a step whose exit code is not the expected one fails. */
function report(
  title: string,
  result: { code: number; json: Json },
  detail: (json: Json) => string,
  expected = 0,
): boolean {
  const ok = result.code === expected
  if (!ok) failed++
  const text = ok
    ? detail(result.json)
    : `exit ${result.code}: ${String(result.json['message'] ?? '')}`
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${title}: ${text}\n`)
  return ok
}

async function main(): Promise<void> {
  process.stdout.write(`Demo home: ${home}\n`)
  const root = path.join(home, 'practice')
  const server = await startPracticeServer({
    root,
    port: 0,
    syncDelaySeconds: SYNC_SECONDS,
    processDelaySeconds: 1,
  })
  process.stdout.write(
    `ok   practice server: listening on 127.0.0.1:${server.port}\n`,
  )

  try {
    await walkSteps(server.port)
  } finally {
    await server.close()
    fs.rmSync(home, { recursive: true, force: true })
  }
}

async function walkSteps(port: number): Promise<void> {
  const added = await cli('sandbox', 'add', DOMAIN, '--port', String(port))
  if (!report('add practice district', added, () => `${DOMAIN}`)) return

  const key = await cli('key', 'generate', DOMAIN, '--type', 'ed25519')
  if (!report('1 keypair', key, (j) => `Ed25519 ${String(j['sha256'])}`)) return

  const sent = await cli('sandbox', 'send-key', DOMAIN)
  if (!report('2 share the key', sent, () => 'sent to the practice server'))
    return

  const early = await cli('check', DOMAIN, '--trust-on-first-use')
  report(
    '3 test connection before the key synced',
    early,
    (j) => `refused as expected (${String(j['code'])})`,
    5,
  )

  // Written while the key syncs: the upload waits until a new export file
  // has stopped changing, as it would for a file Ascender is still writing.
  const folder = String((added.json['district'] as Json)['exportDir'])
  const file = await writeSampleExport(folder, {
    records: 2500,
    countyDistrict: SAMPLE_COUNTY_DISTRICT,
  })
  process.stdout.write(`ok   sample export: ${file} (${STAND_IN_LABEL})\n`)

  process.stdout.write(`...  waiting ${SYNC_SECONDS} s for the key to sync\n`)
  await new Promise((r) => setTimeout(r, SYNC_SECONDS * 1000 + 300))
  const checked = await cli('check', DOMAIN, '--trust-on-first-use')
  const pinned = (j: Json) =>
    `works; host key ${String((j['serverKey'] as Json | undefined)?.['sha256'])} pinned`
  if (!report('3 test connection', checked, pinned)) return

  const upload = await cli('upload', DOMAIN)
  const uploaded = (j: Json) =>
    `epoch ${String(j['epoch'])}, ${String(j['bytes'])} bytes, COMPLETE written`
  if (!report('4 nightly upload (run now)', upload, uploaded)) return

  const status = await cli('status', DOMAIN, '--wait', '30')
  report('5 confirm processing', status, (j) => {
    const latest = j['latest'] as Json | undefined
    return `${String(latest?.['epoch'])} ${String(latest?.['state'])}`
  })
}

main().then(
  () => {
    process.stdout.write(
      failed === 0
        ? 'Demo finished: all five steps worked.\n'
        : `Demo finished with ${failed} failed step(s).\n`,
    )
    process.exitCode = failed === 0 ? 0 : 1
  },
  (error: unknown) => {
    process.stderr.write(`Demo stopped: ${String(error)}\n`)
    process.exitCode = 1
  },
)
