import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import { tempDir } from '../harness/cli'
import {
  KeyFixtures,
  PASS,
  WRONG,
  keyToolsAvailable,
  sshKeygenSha256,
} from './key-tools'

/** Steps 1 and 2 in Chromium, driven by roles and labels like a technician. */
describe(
  'wizard steps 1 and 2',
  { skip: browserSkipReason() || (!keyToolsAvailable() && 'needs ssh-keygen') },
  () => {
    let wizard: Wizard
    let fx: KeyFixtures

    before(async () => {
      fx = new KeyFixtures(tempDir('sg-wizard-keys'))
      fx.sshKeygen('vendor', 'ed25519', {
        passphrase: PASS,
        comment: 'vendor key',
      })
      wizard = await openWizard()
      const form = wizard.page.getByRole('form', { name: 'Add a district' })
      await form.getByLabel('Domain (SFTP username)').fill('keysisd.org')
      await form.getByLabel('District name').fill('Keys ISD')
      await form.getByRole('button', { name: 'Add district' }).click()
      await wizard.page
        .getByRole('button', { name: 'Generate keypair' })
        .waitFor()
    })
    after(async () => {
      await wizard?.close()
      fs.rmSync(fx.dir, { recursive: true, force: true })
    })

    it('imports a pasted key, asking for its passphrase and saying when it is wrong', async () => {
      const { page } = wizard
      await page
        .getByLabel('Or paste the private key')
        .fill(`\r\n${fx.text('vendor')}`)
      await page.getByRole('button', { name: 'Import key' }).click()

      const passphrase = page.getByLabel('Key passphrase')
      await passphrase.waitFor()
      await passphrase.fill(WRONG)
      await passphrase.press('Enter')
      await page
        .getByRole('alert')
        .getByText('Incorrect passphrase', { exact: true })
        .waitFor()

      await passphrase.fill(PASS)
      await passphrase.press('Enter')
      const sha256 = sshKeygenSha256(fx.file('vendor.pub'))
      await page.getByTestId('key-facts-current').getByText(sha256).waitFor()

      const saved = await wizard.ctx.store.get('keysisd.org')
      assert.equal(saved.key?.sha256, sha256)
      assert.equal(saved.key?.importedFrom, 'openssh-encrypted')
      await wizard.screenshot('keys-01-imported')
      assert.deepEqual(wizard.problems, [])
    })

    it('emails the key, then shows when it was sent with "It\u2019s installed" and "Send again"', async () => {
      const { page } = wizard
      await page.getByRole('button', { name: 'Next: share the key' }).click()
      await page.getByRole('button', { name: 'Email to SameGoal' }).click()

      const shared = page.getByTestId('key-shared')
      await shared
        .getByText(/Sent on .*usually active within 60 minutes/)
        .waitFor()
      assert.ok(
        wizard.desktop.opened.some((file) => file.endsWith('keysisd.org.eml')),
      )
      await wizard.screenshot('keys-02-sent')

      await shared.getByRole('button', { name: 'Send again' }).click()
      await page.getByRole('button', { name: 'Copy public key' }).click()
      await page.getByTestId('key-shared').waitFor()
      const saved = await wizard.ctx.store.get('keysisd.org')
      assert.deepEqual(wizard.desktop.copied, [`${saved.key?.publicKey}\n`])
      assert.equal(saved.keyShared?.route, 'copied')

      await page.getByRole('button', { name: 'It\u2019s installed' }).click()
      await page.getByText(/SameGoal installed this key/).waitFor()
      assert.ok(
        (await wizard.ctx.store.get('keysisd.org')).keyShared?.installedAt,
      )
      assert.deepEqual(wizard.problems, [])
    })

    it('makes a second key wait as the new key while the old one stays in use', async () => {
      const { page } = wizard
      await page
        .getByRole('button', { name: /Keypair/ })
        .first()
        .click()
        .catch(() => undefined)
      const before = (await wizard.ctx.store.get('keysisd.org')).key?.sha256
      await page.getByText('Use a different key').click()
      await page.getByRole('radio', { name: /Ed25519/ }).check()
      await page.getByRole('button', { name: 'Generate keypair' }).click()

      await page.getByTestId('key-facts-pending').waitFor()
      const saved = await wizard.ctx.store.get('keysisd.org')
      assert.equal(saved.key?.sha256, before)
      assert.ok(saved.pendingKey)
      await wizard.screenshot('keys-03-pending')
    })
  },
)
