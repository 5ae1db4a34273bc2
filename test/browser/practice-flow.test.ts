import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { practiceHostFor } from '../../main/practice/practice-host'
import { SAMPLE_DOMAIN } from '../../main/practice/practice-district'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import {
  checkProcessing,
  generateEd25519,
  openStep,
  runUploadNow,
  stepPanel,
  testConnection,
  trustOfferedKey,
} from './wizard-steps'

const SYNC_SECONDS = 8

describe(
  'practising all five steps in the wizard',
  { skip: browserSkipReason() },
  () => {
    let wizard: Wizard

    before(async () => {
      wizard = await openWizard({
        practice: { syncDelaySeconds: SYNC_SECONDS, processDelaySeconds: 0.2 },
      })
    })
    after(async () => {
      await wizard?.close()
    })

    it('opens a sample district marked as practice', async () => {
      const { page } = wizard
      await page
        .getByRole('button', { name: 'Practice with a sample district' })
        .click()

      const main = page.getByRole('main')
      await main.getByRole('heading', { name: 'Practice ISD' }).waitFor()
      await main.getByText('Practice', { exact: true }).first().waitFor()
      const list = page.getByRole('complementary', { name: 'Districts' })
      await list
        .getByRole('button', { name: /Practice ISD.*Practice/ })
        .waitFor()

      const settings = await wizard.ctx.store.get(SAMPLE_DOMAIN)
      assert.equal(settings.practice, true)
      assert.equal(settings.host, '127.0.0.1')
    })

    it('step 1: generates the keypair', async () => {
      await generateEd25519(wizard.page)
      await wizard.screenshot('practice-1-key')
    })

    it('step 2: sends the key to the practice server', async () => {
      const { page } = wizard
      await openStep(page, /Share the key/)
      const panel = stepPanel(page, 2)
      await panel
        .getByRole('button', { name: 'Send to the practice server' })
        .click()
      await panel.getByText('Sent to the practice server.').waitFor()

      const keys = path.join(
        wizard.home,
        'practice',
        SAMPLE_DOMAIN,
        'authorized_keys',
      )
      const settings = await wizard.ctx.store.get(SAMPLE_DOMAIN)
      assert.ok(
        fs.readFileSync(keys, 'utf8').includes(settings.key?.publicKey ?? '-'),
      )
      assert.equal(settings.keyShared?.route, 'practice')
      await wizard.screenshot('practice-2-share')
    })

    it('step 3: a key not synced yet is refused, then works', async () => {
      const { page } = wizard
      await panelButton(page, 2, 'Next: test the connection')

      const untrusted = await testConnection(page)
      assert.match(await untrusted.innerText(), /identity is not confirmed/)
      await trustOfferedKey(page)
      const early = await testConnection(page)
      assert.match(await early.innerText(), /refused the key/)
      await wizard.screenshot('practice-3-key-not-installed')

      const shared = (await wizard.ctx.store.get(SAMPLE_DOMAIN)).keyShared
      const usableAt = Date.parse(shared?.at ?? '') + SYNC_SECONDS * 1000
      await new Promise((r) => setTimeout(r, usableAt - Date.now() + 200))
      const works = await testConnection(page)
      assert.equal(await works.innerText(), 'The connection works.')
      await wizard.screenshot('practice-3-connected')
    })

    it('step 4: the sample export is chosen and uploaded', async () => {
      const { page } = wizard
      await panelButton(page, 3, 'Next: nightly upload')
      const panel = stepPanel(page, 4)
      const folder = await panel.getByLabel(/Export folder/).inputValue()
      assert.equal(
        folder,
        path.join(wizard.home, 'practice', 'exports', SAMPLE_DOMAIN),
      )
      await panel
        .getByText(/TxEISStudent_015907\.txt/)
        .first()
        .waitFor()

      const result = await runUploadNow(page)
      assert.match(await result.innerText(), /Uploaded into epoch \d{8}-\d{6}/)
      await wizard.screenshot('practice-4-uploaded')
    })

    it('step 5: the practice server processed the upload', async () => {
      const { page } = wizard
      await practiceHostFor(wizard.ctx).settled()
      await panelButton(page, 4, 'Next: confirm processing')

      const verdict = await checkProcessing(page)
      assert.match(await verdict.innerText(), /SameGoal processed the latest/)
      await wizard.screenshot('practice-5-processed')
      assert.deepEqual(wizard.problems, [])
    })
  },
)

async function panelButton(
  page: Wizard['page'],
  step: number,
  name: string,
): Promise<void> {
  await stepPanel(page, step).getByRole('button', { name }).click()
}
