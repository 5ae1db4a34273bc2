import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { readStatus } from '../../main/services/processing-status'
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
  hoursAgo,
  studentsCsv,
  uploadedRun,
} from './fixtures'

const DOMAIN = 'countsisd.org'
const NOW = new Date(2026, 10, 8, 3, 0, 0)

describe(
  'row counts while tonight\u2019s epoch is still pending',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-counts')
      const ctx = contextAt(home, NOW)
      await districtOnServer(ctx, server, DOMAIN)

      const lastNight = epochHoursAgo(NOW, 24)
      epochOnDisk(server, DOMAIN, 'upload-processed', lastNight, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': studentsCsv(6),
        'guardians.csv': studentsCsv(4),
      })
      await uploadedRun(ctx, DOMAIN, hoursAgo(NOW, 24), { epoch: lastNight })
      const tonight = epochHoursAgo(NOW, 1)
      epochOnDisk(server, DOMAIN, 'upload', tonight, { ...EXPORT, ...COMPLETE })
      await uploadedRun(ctx, DOMAIN, hoursAgo(NOW, 1), { epoch: tonight })
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('still shows the counts of the latest processed epoch', async () => {
      const report = await readStatus(contextAt(home, NOW), DOMAIN)
      assert.equal(report.latest?.state, 'pending')
      const processed = report.epochs.find((e) => e.state === 'processed')
      assert.deepEqual(processed?.rows, { students: 6, guardians: 4 })
    })

    it('keeps showing an older epoch\u2019s counts once a newer one is processed, without reading them again', async () => {
      const ctx = contextAt(home, NOW)
      // Counted once (the test before); from now on only the newest is.
      await readStatus(ctx, DOMAIN)
      const dirs = fs.readdirSync(
        `${server.accountRoot(DOMAIN)}/upload-processed`,
      )
      const older = dirs.sort()[0] ?? ''
      fs.writeFileSync(
        `${server.accountRoot(DOMAIN)}/upload-processed/${older}/students.csv`,
        studentsCsv(99),
      )
      const tonight = epochHoursAgo(NOW, 1)
      fs.rmSync(`${server.accountRoot(DOMAIN)}/upload/${tonight}`, {
        recursive: true,
      })
      epochOnDisk(server, DOMAIN, 'upload-processed', tonight, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': studentsCsv(7),
      })

      const report = await readStatus(ctx, DOMAIN)
      assert.equal(report.latest?.epoch, tonight)
      assert.deepEqual(report.latest?.rows, { students: 7 })
      const before = report.epochs.find((e) => e.epoch === older)
      assert.equal(before?.state, 'processed')
      assert.deepEqual(before?.rows, { students: 6, guardians: 4 })
    })

    it('warns when students.csv holds far fewer students than were sent', async () => {
      const ctx = contextAt(home, NOW)
      const junk = epochHoursAgo(NOW, 0.5)
      epochOnDisk(server, DOMAIN, 'upload-processed', junk, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': 'this is not the CSV you are looking for',
      })
      await uploadedRun(ctx, DOMAIN, hoursAgo(NOW, 0.5), {
        epoch: junk,
        records: 40,
      })

      const report = await readStatus(ctx, DOMAIN)
      assert.equal(report.latest?.state, 'processed')
      assert.match(report.latest?.warnings?.[0] ?? '', /no student rows/)
    })
  },
)
