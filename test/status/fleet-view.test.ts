import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { createContext } from '../../main/services/context'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import { tempDir } from '../harness/cli'
import {
  freePort,
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import {
  COMPLETE,
  districtOnServer,
  epochHoursAgo,
  epochOnDisk,
  EXPORT,
  hoursAgo,
  studentsCsv,
  uploadedRun,
} from './fixtures'

describe(
  'the fleet view as the wizard home screen, and step 5',
  {
    skip:
      browserSkipReason() ||
      (!sshdAvailable() && 'needs root and openssh-server'),
  },
  () => {
    let server: SshdServer
    let home: string
    let wizard: Wizard

    before(async () => {
      server = await startSshd({ accounts: ['greenisd.org'] })
      home = tempDir('sg-fleet-view')
      const ctx = createContext(home)
      const now = new Date()
      await districtOnServer(ctx, server, 'greenisd.org')
      await ctx.store.set('greenisd.org', { name: 'Green ISD', at: '01:00' })
      const epoch = epochHoursAgo(now, 2)
      epochOnDisk(server, 'greenisd.org', 'upload-processed', epoch, {
        ...EXPORT,
        ...COMPLETE,
        'students.csv': studentsCsv(7),
        'guardians.csv': studentsCsv(6),
      })
      await uploadedRun(ctx, 'greenisd.org', hoursAgo(now, 2), {
        epoch,
        records: 7,
      })

      await districtOnServer(ctx, server, 'darkisd.org', await freePort())
      await ctx.store.set('darkisd.org', { name: 'Dark ISD' })
      await uploadedRun(ctx, 'darkisd.org', hoursAgo(now, 3), {
        epoch: epochHoursAgo(now, 3),
      })
      wizard = await openWizard({ home })
    })
    after(async () => {
      await wizard?.close()
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('opens on every district with its checked state, and notifies the one that needs attention', async () => {
      const table = wizard.page.getByTestId('fleet-table')
      await table
        .locator('tr[data-state="ok"]', { hasText: 'Green ISD' })
        .waitFor()
      await table
        .locator('tr[data-state="unreachable"]', { hasText: 'Dark ISD' })
        .waitFor()
      await wizard.page.getByText('Checked', { exact: false }).first().waitFor()

      const titles = wizard.desktop.notifications.map((n) => n.title)
      assert.deepEqual(titles, ['Dark ISD: could not be checked'])
      assert.deepEqual(wizard.problems, [])
      await wizard.screenshot('fleet-01-home')
    })

    it('adds the next district like one that works', async () => {
      const row = wizard.page.locator('tr', { hasText: 'Green ISD' })
      await row
        .getByRole('button', { name: 'Add district like this one' })
        .click()
      const form = wizard.page.getByRole('form', { name: 'Add district like' })
      await form.getByLabel('Domain (SFTP username)').fill('nextisd.org')
      await form.getByRole('button', { name: 'Add district' }).click()

      await wizard.page.getByRole('heading', { name: 'nextisd.org' }).waitFor()
      const added = await wizard.ctx.store.get('nextisd.org')
      assert.equal(added.host, '127.0.0.1')
      assert.equal(added.port, server.port)
      assert.equal(added.at, '01:10')
      assert.equal(added.key, undefined)
    })

    it('step 5 says in plain words that the upload was processed, with counts', async () => {
      const { page } = wizard
      await page
        .getByRole('complementary', { name: 'Districts' })
        .getByRole('button', { name: /Green ISD/ })
        .click()
      await page
        .getByRole('navigation', { name: 'Setup steps' })
        .getByRole('button', { name: /Confirm processing/ })
        .click()

      const verdict = page.getByTestId('latest-verdict')
      await verdict.getByText('SameGoal processed the latest upload').waitFor()
      await verdict
        .getByText('7 records sent, 7 students, 6 guardians')
        .waitFor()
      await wizard.screenshot('fleet-02-status-step')
    })
  },
)
