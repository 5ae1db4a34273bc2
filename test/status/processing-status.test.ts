import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { EpochStatus } from '../../shared/reports'
import { processAccount } from '../../main/processor/samegoal-processor'
import { readStatus } from '../../main/services/processing-status'
import { readProcessing } from '../../main/services/processing-log'
import { createContext } from '../../main/services/context'
import { tempDir } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import {
  COMPLETE,
  contextAt,
  districtOnServer,
  epochHoursAgo,
  epochOnDisk,
  EXPORT,
  EXPORT_NAME,
  hoursAgo,
  studentsCsv,
  uploadedRun,
} from './fixtures'

const DOMAIN = 'statusisd.org'
const DIRECT = 'directisd.org'
const NOW = new Date(2026, 10, 7, 3, 0, 0)

describe(
  'processing status of every kind of epoch on OpenSSH',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string
    const ctx = () => contextAt(home, NOW)
    let epochs: Map<string, EpochStatus>
    const names = {
      processed: epochHoursAgo(NOW, 150),
      inPlace: epochHoursAgo(NOW, 125),
      failed: epochHoursAgo(NOW, 100),
      problems: epochHoursAgo(NOW, 75),
      missing: epochHoursAgo(NOW, 50),
      stuck: epochHoursAgo(NOW, 20),
      pending: epochHoursAgo(NOW, 1),
      foreign: epochHoursAgo(NOW, 500),
      leftover: epochHoursAgo(NOW, 30),
      direct: epochHoursAgo(NOW, 9.99),
    }

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN, DIRECT] })
      home = tempDir('sg-status')
      await districtOnServer(ctx(), server, DOMAIN)
      await layOutEpochs()
      const report = await readStatus(ctx(), DOMAIN, {
        limit: 20,
        countAll: true,
      })
      epochs = new Map(report.epochs.map((e) => [e.epoch, e]))
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    async function layOutEpochs(): Promise<void> {
      const c = ctx()
      const at = (epoch: string) => new Date(parseLocal(epoch).getTime() + 5000)
      const run = (epoch: string, extra = {}) =>
        uploadedRun(c, DOMAIN, at(epoch), { epoch, ...extra })

      epochOnDisk(server, DOMAIN, 'upload-processed', names.processed, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': studentsCsv(3),
        'guardians.csv': studentsCsv(2),
      })
      await run(names.processed, { records: 3 })

      // Processed in place by the processor itself: results stay in /upload.
      epochOnDisk(server, DOMAIN, 'upload', names.inPlace, {
        [EXPORT_NAME]:
          'StudentId\tLastName\tFirstName\r\nA1\tDoe\tPat\r\nA2\tRoe\tSam\r\n',
        ...COMPLETE,
      })
      await processAccount(server.accountRoot(DOMAIN), { inPlace: true })
      // A second pass must leave an epoch processed in place as it is.
      await processAccount(server.accountRoot(DOMAIN), { inPlace: true })
      await run(names.inPlace, { records: 2 })

      epochOnDisk(server, DOMAIN, 'upload-processed', names.failed, {
        ...EXPORT,
        ...COMPLETE,
        'errors.txt': 'Line 1: the file is not tab-delimited.\nsecond line\n',
      })
      await run(names.failed)
      epochOnDisk(server, DOMAIN, 'upload-processed', names.problems, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': studentsCsv(4),
        'warnings.txt': 'Record 3: birth date missing.\n',
      })
      await run(names.problems)
      await run(names.missing)
      epochOnDisk(server, DOMAIN, 'upload', names.stuck, {
        ...EXPORT,
        ...COMPLETE,
      })
      await run(names.stuck)
      epochOnDisk(server, DOMAIN, 'upload', names.pending, {
        ...EXPORT,
        ...COMPLETE,
      })
      await run(names.pending)

      epochOnDisk(server, DOMAIN, 'upload-processed', names.foreign, {
        'other.txt': 'x',
        ...COMPLETE,
      })
      epochOnDisk(server, DOMAIN, 'upload', names.leftover, {
        [EXPORT_NAME]: 'partial',
      })

      // Direct mode: the file went straight into /upload, the server made
      // an epoch from it a few seconds later.
      epochOnDisk(server, DOMAIN, 'upload-processed', names.direct, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': studentsCsv(5),
      })
      await uploadedRun(c, DOMAIN, hoursAgo(NOW, 10), {
        mode: 'direct',
        records: 5,
      })
    }

    it('says processed for an epoch in /upload-processed, with row counts beside the export count', () => {
      const e = epochs.get(names.processed)
      assert.equal(e?.state, 'processed')
      assert.equal(e?.location, '/upload-processed')
      assert.deepEqual(e?.rows, { students: 3, guardians: 2 })
      assert.equal(e?.exportRecords, 3)
    })

    it('says processed for an epoch the processor left in /upload', () => {
      const e = epochs.get(names.inPlace)
      assert.equal(e?.state, 'processed')
      assert.equal(e?.location, '/upload')
      assert.equal(e?.rows?.students, 2)
    })

    it('says failed and shows the first lines of the error file', () => {
      const e = epochs.get(names.failed)
      assert.equal(e?.state, 'failed')
      assert.deepEqual(e?.errorFiles, [
        {
          name: 'errors.txt',
          firstLines: ['Line 1: the file is not tab-delimited.', 'second line'],
        },
      ])
    })

    it('says processed with problems when results and an error file are there', () => {
      const e = epochs.get(names.problems)
      assert.equal(e?.state, 'processed-with-problems')
      assert.equal(e?.rows?.students, 4)
      assert.equal(e?.errorFiles[0]?.name, 'warnings.txt')
    })

    it('tells pending from stuck by how long SameGoal has had the epoch', () => {
      assert.equal(epochs.get(names.pending)?.state, 'pending')
      const stuck = epochs.get(names.stuck)
      assert.equal(stuck?.state, 'stuck')
      assert.ok((stuck?.pendingHours ?? 0) >= 12)
    })

    it('says missing for an epoch in neither folder', () => {
      assert.equal(epochs.get(names.missing)?.state, 'missing')
    })

    it('claims the epoch the server made from a direct-mode file', () => {
      const e = epochs.get(names.direct)
      assert.equal(e?.mode, 'direct')
      assert.equal(e?.state, 'processed')
      assert.equal(e?.rows?.students, 5)
    })

    it('lists a foreign epoch without claiming it, and flags the left-over', async () => {
      const report = await readStatus(ctx(), DOMAIN)
      assert.deepEqual(
        report.foreign?.map((f) => f.epoch).sort(),
        [names.foreign, names.leftover].sort(),
      )
      assert.ok(!epochs.has(names.foreign))
      assert.equal(report.leftovers?.length, 1)
      assert.equal(report.leftovers?.[0]?.epoch, names.leftover)
      assert.deepEqual(report.leftovers?.[0]?.files, [EXPORT_NAME])
      assert.equal(report.latest?.mode, 'direct', 'the last run made')
    })

    it('claims the epoch the processor made from a file sent straight into /upload', async () => {
      const c = createContext(home)
      await districtOnServer(c, server, DIRECT)
      const upload = path.join(server.accountRoot(DIRECT), 'upload')
      const sentAt = new Date()
      fs.writeFileSync(
        path.join(upload, EXPORT_NAME),
        'StudentId\tLastName\tFirstName\r\nB1\tDoe\tAl\r\nB2\tRoe\tJo\r\n',
      )
      await uploadedRun(c, DIRECT, sentAt, { mode: 'direct', records: 2 })

      const waiting = await readStatus(c, DIRECT)
      assert.equal(waiting.latest?.state, 'pending')
      assert.equal(waiting.latest?.epoch, '')

      const [made] = await processAccount(server.accountRoot(DIRECT))
      assert.deepEqual(
        await processAccount(server.accountRoot(DIRECT)),
        [],
        'the file is adopted once',
      )
      const report = await readStatus(c, DIRECT)
      assert.equal(report.latest?.epoch, made?.epoch)
      assert.equal(report.latest?.state, 'processed')
      assert.equal(report.latest?.rows?.students, 2)
      assert.equal(report.foreignCount, 0)
    })

    it('records processed and failed as facts of their own, once each', async () => {
      await readStatus(ctx(), DOMAIN, { limit: 20 })
      const records = await readProcessing(ctx().layout, DOMAIN)
      const states = new Map(records.map((r) => [r.epoch, r.state]))
      assert.equal(states.get(names.processed), 'processed')
      assert.equal(states.get(names.failed), 'failed')
      assert.equal(states.get(names.stuck), 'stuck')
      assert.ok(!states.has(names.pending), 'pending is not a new fact')
      const epochsRecorded = records.map((r) => r.epoch)
      assert.equal(new Set(epochsRecorded).size, epochsRecorded.length)
      const direct = records.find((r) => r.epoch === names.direct)
      assert.ok(direct?.runId, 'the direct epoch names its upload run')
      const text = fs.readFileSync(
        path.join(ctx().layout.districtDir(DOMAIN), 'processing.jsonl'),
        'utf8',
      )
      assert.ok(!text.includes('Doe'), 'no student data in the processing file')
    })
  },
)

function parseLocal(epoch: string): Date {
  const n = epoch.match(/\d\d/g)?.map(Number) ?? []
  const [c, y, mo, d, h, mi, s] = n as number[]
  return new Date((c ?? 0) * 100 + (y ?? 0), (mo ?? 1) - 1, d, h, mi, s)
}
