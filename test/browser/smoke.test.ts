import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'

describe(
  'the wizard in Chromium, bound to the real handlers',
  { skip: browserSkipReason() },
  () => {
    let wizard: Wizard

    before(async () => {
      wizard = await openWizard()
    })
    after(async () => {
      await wizard?.close()
    })

    it('loads with no console errors and no CSP violations', async () => {
      const { page } = wizard
      await page
        .getByRole('heading', { name: 'Connect a district to SameGoal' })
        .waitFor()

      assert.deepEqual(wizard.problems, [])
      await wizard.screenshot('smoke-01-empty')
    })

    it('adds a district through the form and lists it', async () => {
      const { page } = wizard
      const form = page.getByRole('form', { name: 'Add a district' })
      await form.getByLabel('Domain (SFTP username)').fill('  SmokeISD.org ')
      await form.getByLabel('District name').fill('Smoke ISD')
      await form.getByRole('button', { name: 'Add district' }).click()

      const districts = page.getByRole('complementary', { name: 'Districts' })
      await districts.getByRole('button', { name: /Smoke ISD/ }).waitFor()
      const saved = await wizard.ctx.store.get('smokeisd.org')
      assert.equal(saved.name, 'Smoke ISD')
      await wizard.screenshot('smoke-02-district-added')
    })

    it('generates an Ed25519 key and shows its fingerprint', async () => {
      const { page } = wizard
      await page.getByRole('radio', { name: /Ed25519/ }).check()
      await page.getByRole('button', { name: 'Generate keypair' }).click()

      await page.getByText('SHA256 fingerprint').waitFor()
      const saved = await wizard.ctx.store.get('smokeisd.org')
      await page.getByText(saved.key?.sha256 ?? 'no key').waitFor()
      assert.equal(saved.key?.type, 'ed25519')
      assert.match(saved.key?.sha256 ?? '', /^SHA256:/)
      await wizard.screenshot('smoke-03-key')
      assert.deepEqual(wizard.problems, [])
    })
  },
)
