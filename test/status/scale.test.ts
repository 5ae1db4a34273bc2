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
import { contextAt, districtOnServer } from './fixtures'
import { seedProcessedAccount } from './scale-fixture'

const DOMAIN = 'tenyearsisd.org'
const NOW = new Date()

describe(
  'status on an account with ten years of processed epochs',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string
    let names: string[]
    const ctx = () => contextAt(home, NOW)

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-scale')
      await districtOnServer(ctx(), server, DOMAIN)
      names = await seedProcessedAccount(ctx(), server, DOMAIN, 3650, NOW)
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('reports the latest nights processed, looked up by name', async () => {
      const report = await readStatus(ctx(), DOMAIN, { listProcessed: false })
      assert.deepEqual(
        report.epochs.map((e) => e.epoch),
        names.slice(-5).reverse(),
      )
      assert.ok(report.epochs.every((e) => e.state === 'processed'))
      assert.equal(report.latest?.rows?.students, 3)
      assert.equal(report.latest?.exportRecords, 3)
    })

    it('claims every epoch of its history and calls none foreign', async () => {
      const report = await readStatus(ctx(), DOMAIN)
      assert.equal(report.foreignCount, 0)
      assert.deepEqual(report.leftovers, [])
    })
  },
)
