import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { readRuns } from '../../main/services/run-history'
import { createContext } from '../../main/services/context'
import { RecordingDesktop } from '../../main/ipc/desktop'
import { createHandlers, dispatch } from '../../main/ipc/handlers'
import { runUpload } from '../../main/services/upload-run'
import { parseEpoch } from '../../shared/epoch'
import type { UploadProgress } from '../../shared/reports'
import type { RunRecord } from '../../shared/settings-schema'
import { CLI_BIN } from '../harness/cli'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { epochsOnDisk, makeDistrict, type TestDistrict } from './upload-setup'

const DOMAIN = 'flakyisd.org'
// About 6 MB: several parallel chunks on each of three channels.
const RECORDS = 60_000

describe(
  'nightly upload against OpenSSH through a faulty network',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let proxy: FaultProxy
    let district: TestDistrict
    let uploadDir: string
    let exportFile: string
    let bytes: number

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      proxy = await startFaultProxy({ targetPort: server.port })
      district = await makeDistrict({
        domain: DOMAIN,
        port: proxy.port,
        hostKeySha256: server.hostKeySha256(),
      })
      server.authorize(DOMAIN, district.publicKey)
      uploadDir = path.join(server.accountRoot(DOMAIN), 'upload')
      exportFile = district.writeExport(RECORDS)
      bytes = fs.statSync(exportFile).size
    })
    after(async () => {
      await proxy?.close()
      await server?.stop()
      district?.cleanup()
    })

    // The outcome every case must end in: one epoch holding exactly the
    // export, byte for byte, and an empty COMPLETE.
    function assertVerifiedEpoch(epoch: unknown): void {
      assert.equal(typeof epoch, 'string')
      const dir = path.join(uploadDir, String(epoch))
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        'COMPLETE',
        'TxEISStudent_015907.txt',
      ])
      const sent = fs.readFileSync(path.join(dir, 'TxEISStudent_015907.txt'))
      assert.ok(sent.equals(fs.readFileSync(exportFile)), 'content identical')
      assert.equal(fs.statSync(path.join(dir, 'COMPLETE')).size, 0)
    }

    function assertNoCompleteAnywhere(): void {
      for (const epoch of epochsOnDisk(uploadDir)) {
        const names = fs.readdirSync(path.join(uploadDir, epoch))
        assert.ok(!names.includes('COMPLETE'), `no COMPLETE in ${epoch}`)
      }
    }

    async function usePort(port: number): Promise<void> {
      await district.ctx.store.update(DOMAIN, (d) => ({ ...d, port }))
    }

    function clearUploads(): void {
      for (const name of fs.readdirSync(uploadDir)) {
        fs.rmSync(path.join(uploadDir, name), { recursive: true, force: true })
      }
    }

    it('uploads in parallel, verifies, writes COMPLETE and records the run', async () => {
      // A 20 ms link, where several SFTP channels pay off.
      const slow = await startFaultProxy({
        targetPort: server.port,
        delayMs: 10,
      })
      await usePort(slow.port)
      const result = await district.upload().finally(async () => {
        await usePort(proxy.port)
        await slow.close()
      })
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assertVerifiedEpoch(result.json['epoch'])
      assert.equal(result.json['records'], RECORDS)
      assert.equal(result.json['retries'], 0)

      const transfer = result.json['transfer'] as Record<string, unknown>
      assert.equal(transfer['mode'], 'parallel')
      assert.equal(transfer['chunkBytes'], 261_120, 'OpenSSH write limit used')
      assert.ok(Number(transfer['channels']) >= 2, 'several SFTP channels')

      const runs = await readRuns(district.ctx.layout, DOMAIN)
      const last = runs.at(-1)
      assert.equal(last?.result, 'success')
      assert.equal(last?.records, RECORDS)
      assert.equal(last?.bytes, bytes)
      assert.equal(last?.epoch, result.json['epoch'])
      assert.ok((last?.throughputBps ?? 0) > 0)
      assert.equal(last?.retries, 0)

      const log = district.runLog(result)
      assert.ok(!log.includes('Garcia'), 'no student names in the log')
      assert.ok(!log.includes('PRIVATE KEY'), 'no key material in the log')
    })

    for (const share of [0.1, 0.5, 0.9]) {
      it(`recovers from a connection cut at ${share * 100}% of the upload`, async () => {
        clearUploads()
        proxy.setFaults([
          { kind: 'cut', afterBytes: Math.round(bytes * share) },
        ])
        const before = proxy.fired()

        const result = await district.upload()
        assert.equal(result.code, 0, result.stdout + result.stderr)
        assert.equal(proxy.fired(), before + 1, 'the cut happened')
        assert.ok(Number(result.json['retries']) >= 1)
        assertVerifiedEpoch(result.json['epoch'])
        assert.deepEqual(epochsOnDisk(uploadDir), [result.json['epoch']])
        assert.match(district.runLog(result), /attempt failed, retrying/)
      })
    }

    it('aborts a stalled upload with a clear message and no COMPLETE', async () => {
      clearUploads()
      const stall = {
        kind: 'stall',
        afterBytes: Math.round(bytes * 0.3),
      } as const
      proxy.setFaults([stall, stall, stall])

      const result = await district.upload()
      proxy.setFaults([])
      assert.equal(result.code, 6, result.stdout + result.stderr)
      assert.equal(result.json['code'], 'NETWORK_STALLED')
      assert.match(
        String(result.json['message']),
        /network stalled during upload/,
      )
      assertNoCompleteAnywhere()
      assert.match(district.runLog(result), /network stalled during upload/)

      const again = await district.upload()
      assert.equal(again.code, 0, 'the lock was released for the next run')
    })

    it('keeps a success when the link resets right after COMPLETE', async () => {
      clearUploads()
      const completeWritten = (): boolean =>
        epochsOnDisk(uploadDir).some((epoch) =>
          fs.existsSync(path.join(uploadDir, epoch, 'COMPLETE')),
        )
      proxy.setFaults([
        { kind: 'reset-when', when: completeWritten, delayMs: 20 },
      ])
      const before = proxy.fired()

      const result = await district.upload()
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.equal(proxy.fired(), before + 1, 'the reset happened')
      assertVerifiedEpoch(result.json['epoch'])
      assert.deepEqual(epochsOnDisk(uploadDir), [result.json['epoch']])
    })

    it('cancels mid-upload from the wizard without leaving COMPLETE or a partial file', async () => {
      clearUploads()
      // A 60 ms link, so the upload is still going when Cancel arrives.
      const slow = await startFaultProxy({
        targetPort: server.port,
        delayMs: 30,
      })
      await usePort(slow.port)

      // The very handler table the wizard's IPC binds.
      let cancelled: Promise<unknown> | undefined
      const handlers = createHandlers(
        district.ctx,
        new RecordingDesktop(),
        (channel, payload) => {
          const p = payload as UploadProgress
          if (channel !== 'upload:progress' || p.phase !== 'upload') return
          cancelled ??= dispatch(handlers, 'upload:cancel', { domain: DOMAIN })
        },
      )
      const run = await dispatch(handlers, 'upload:run', { domain: DOMAIN })
      await usePort(proxy.port)
      await slow.close()

      assert.deepEqual(await cancelled, {
        ok: true,
        value: { cancelled: true },
      })
      assert.equal(run.ok, false)
      assert.equal(!run.ok && run.error.code, 'UPLOAD_CANCELLED')
      assertNoCompleteAnywhere()
      for (const epoch of epochsOnDisk(uploadDir)) {
        assert.deepEqual(fs.readdirSync(path.join(uploadDir, epoch)), [])
      }

      const history = await dispatch(handlers, 'history:read', {
        domain: DOMAIN,
        limit: 2,
      })
      assert.ok(history.ok)
      const runs = history.value as RunRecord[]
      assert.equal(runs.length, 2)
      assert.equal(runs[0]?.code, 'UPLOAD_CANCELLED', 'newest first')
    })

    // The export as Ascender might touch it while it is being sent: grown,
    // cut short or deleted once the first bytes are out.
    for (const [change, touch] of [
      [
        'grows',
        (file: string) =>
          fs.appendFileSync(
            file,
            fs.readFileSync(exportFile).subarray(-20_000),
          ),
      ],
      [
        'is cut short',
        (file: string) => fs.truncateSync(file, Math.floor(bytes / 3)),
      ],
      ['is deleted', (file: string) => fs.rmSync(file)],
    ] as const) {
      it(`never marks complete an export that ${change} during the upload, and removes what was sent`, async () => {
        clearUploads()
        const slow = await startFaultProxy({
          targetPort: server.port,
          delayMs: 15,
        })
        await usePort(slow.port)
        const copy = path.join(path.dirname(exportFile), `moving-${bytes}.txt`)
        fs.copyFileSync(exportFile, copy)
        const picked = new Date(Date.now() - 60_000)
        fs.utimesSync(copy, picked, picked)
        let touched = false

        const failure = await runUpload(district.ctx, DOMAIN, {
          file: copy,
          onProgress: (p) => {
            if (p.phase !== 'upload' || touched) return
            touched = true
            touch(copy)
          },
        }).then(
          () => undefined,
          (error: unknown) => error as { code?: string; message?: string },
        )
        await usePort(proxy.port)
        await slow.close()
        fs.rmSync(copy, { force: true })

        assert.ok(touched, 'the file was touched mid-upload')
        assert.equal(failure?.code, 'EXPORT_NOT_READY', failure?.message)
        assertNoCompleteAnywhere()
        assert.deepEqual(
          epochsOnDisk(uploadDir),
          [],
          'the epoch folder went too',
        )
        const last = (await readRuns(district.ctx.layout, DOMAIN)).at(-1)
        assert.equal(last?.code, 'EXPORT_NOT_READY')
        assert.equal(
          last?.retries ?? 0,
          0,
          'the file, not the network: no retry',
        )
      })
    }

    it('a scheduler\u2019s stop (SIGTERM) of the nightly run cancels cleanly and records the night', async () => {
      clearUploads()
      const slow = await startFaultProxy({
        targetPort: server.port,
        delayMs: 30,
      })
      await usePort(slow.port)
      // A new night: nothing uploaded yet.
      fs.rmSync(district.ctx.layout.historyFile(DOMAIN), { force: true })

      const child = spawn(
        process.execPath,
        [CLI_BIN, '--home', district.home, 'schedule', 'nightly', DOMAIN],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let output = ''
      child.stdout.on('data', (d: Buffer) => (output += d.toString()))
      child.stderr.on('data', (d: Buffer) => (output += d.toString()))
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      )
      // Stopped once the export is partly on the server.
      for (let i = 0; i < 300; i++) {
        const partial = epochsOnDisk(uploadDir).some(
          (epoch) => fs.readdirSync(path.join(uploadDir, epoch)).length > 0,
        )
        if (partial) break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      child.kill('SIGTERM')
      const code = await exited
      await usePort(proxy.port)
      await slow.close()

      assert.equal(code, 6, output)
      assert.match(output, /cancelled/)
      assertNoCompleteAnywhere()
      assert.deepEqual(epochsOnDisk(uploadDir), [], 'partial upload removed')
      const last = (await readRuns(district.ctx.layout, DOMAIN)).at(-1)
      assert.equal(last?.code, 'UPLOAD_CANCELLED', 'the night is on record')
    })

    it('fails in seconds naming /upload when it is not writable, without retrying', async () => {
      clearUploads()
      const owner = fs.statSync(uploadDir)
      fs.chownSync(uploadDir, 0, 0)
      try {
        const result = await district.upload()
        assert.equal(result.code, 6, result.stdout + result.stderr)
        assert.equal(result.json['code'], 'UPLOAD_NOT_PERMITTED')
        assert.match(String(result.json['message']), /\/upload/)
        const runs = await readRuns(district.ctx.layout, DOMAIN)
        assert.equal(runs.at(-1)?.code, 'UPLOAD_NOT_PERMITTED')
        assert.doesNotMatch(district.runLog(result), /retrying/)
      } finally {
        fs.chownSync(uploadDir, owner.uid, owner.gid)
      }
      assert.equal(epochsOnDisk(uploadDir).length, 0)
    })

    it('refuses a stale export (exit 7) unless --allow-stale', async () => {
      clearUploads()
      district.writeExport(RECORDS, { ageHours: 40 })

      const refused = await district.upload()
      assert.equal(refused.code, 7, refused.stdout + refused.stderr)
      assert.equal(refused.json['code'], 'EXPORT_STALE')
      assert.equal(epochsOnDisk(uploadDir).length, 0, 'nothing was sent')

      const forced = await district.upload('--allow-stale')
      assert.equal(forced.code, 0, forced.stdout + forced.stderr)
      district.writeExport(RECORDS)
    })

    it('holds a run whose record count dropped sharply unless --allow-drop', async () => {
      clearUploads()
      district.writeExport(500)

      const held = await district.upload()
      assert.equal(held.code, 7, held.stdout + held.stderr)
      assert.equal(held.json['code'], 'EXPORT_RECORD_DROP')
      assert.match(String(held.json['message']), /500 records/)
      assert.equal(epochsOnDisk(uploadDir).length, 0)

      const forced = await district.upload('--allow-drop')
      assert.equal(forced.code, 0, forced.stdout + forced.stderr)
      district.writeExport(RECORDS)
    })

    it('gives increasing epochs to runs in the same second and after the clock moved back', async () => {
      clearUploads()
      let now = new Date('2026-03-04T02:00:07')
      const ctx = createContext(district.home, { now: () => now })

      const first = await runUpload(ctx, DOMAIN)
      const second = await runUpload(ctx, DOMAIN)
      now = new Date('2026-03-04T01:00:00')
      const third = await runUpload(ctx, DOMAIN)

      const names = [first.epoch, second.epoch, third.epoch].map(String)
      assert.deepEqual(names, [...names].sort(), 'increasing')
      assert.equal(new Set(names).size, 3, 'never reused')
      for (const name of names) assert.ok(parseEpoch(name), name)
      for (const name of names) assertVerifiedEpoch(name)
    })

    it("answers exit 8 while another run holds the lock, and takes over a killed run's lock", async () => {
      const holder = await holdLock(district.home)
      try {
        const busy = await district.upload()
        assert.equal(busy.code, 8, busy.stdout + busy.stderr)
        assert.equal(busy.json['code'], 'RUN_IN_PROGRESS')
      } finally {
        holder.kill('SIGKILL')
        await new Promise((resolve) => holder.once('exit', resolve))
      }

      // The killed holder never released its lock; the next night runs anyway.
      clearUploads()
      const next = await district.upload()
      assert.equal(next.code, 0, next.stdout + next.stderr)
      assertVerifiedEpoch(next.json['epoch'])
    })

    it('in direct mode writes only the export itself into /upload, replacing it', async () => {
      clearUploads()
      await district.ctx.store.set(DOMAIN, { mode: 'direct' })
      try {
        const first = await district.upload()
        assert.equal(first.code, 0, first.stdout + first.stderr)
        assert.equal(first.json['epoch'], undefined)
        assert.equal(
          first.json['remotePath'],
          '/upload/TxEISStudent_015907.txt',
        )
        assert.deepEqual(fs.readdirSync(uploadDir), ['TxEISStudent_015907.txt'])

        exportFile = district.writeExport(RECORDS + 500)
        const second = await district.upload()
        assert.equal(second.code, 0, second.stdout + second.stderr)
        assert.deepEqual(fs.readdirSync(uploadDir), ['TxEISStudent_015907.txt'])
        const onServer = fs.readFileSync(
          path.join(uploadDir, 'TxEISStudent_015907.txt'),
        )
        assert.ok(onServer.equals(fs.readFileSync(exportFile)), 'replaced')

        const last = (await readRuns(district.ctx.layout, DOMAIN)).at(-1)
        assert.equal(last?.mode, 'direct')
        assert.equal(last?.remotePath, '/upload/TxEISStudent_015907.txt')
        assert.equal(last?.bytes, onServer.length)
      } finally {
        await district.ctx.store.set(DOMAIN, { mode: 'epoch' })
        exportFile = district.writeExport(RECORDS)
      }
    })
  },
)

function holdLock(home: string): Promise<ReturnType<typeof spawn>> {
  const script = path.join(import.meta.dirname, 'hold-run-lock.ts')
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, home, DOMAIN],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child))
    child.once('exit', (code) =>
      reject(new Error(`lock holder exited ${code}`)),
    )
  })
}
