import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { DistrictStore } from '../../main/services/district-store'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import {
  openStep,
  stepPanel,
  testConnection,
  trustOfferedKey,
} from '../browser/wizard-steps'
import { failOnStrayErrors, makeHomeWithDistrict } from './helpers'

const DOMAIN = 'waitisd.org'

failOnStrayErrors()

describe(
  'wizard step 3: trust, keep trying, copy report',
  {
    skip:
      browserSkipReason() ||
      (!sshdAvailable() && 'needs root and openssh-server'),
  },
  () => {
    let server: SshdServer
    let wizard: Wizard
    let publicKey: string
    let home: string

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      const setup = await makeHomeWithDistrict(DOMAIN, '127.0.0.1', server.port)
      publicKey = setup.publicKey
      const shared = new Date(Date.now() - 5 * 60_000).toISOString()
      await new DistrictStore(setup.home).update(DOMAIN, (current) => ({
        ...current,
        keyShared: { at: shared, route: 'email' },
      }))
      home = setup.home
      wizard = await openWizard({
        home: setup.home,
        overrides: { keyWaitRetryMs: 1000 },
      })
      await wizard.page
        .getByRole('button', { name: new RegExp(DOMAIN) })
        .first()
        .click()
    })
    after(async () => {
      await wizard?.close()
      await server?.stop()
      if (home) fs.rmSync(home, { recursive: true, force: true })
    })

    it('keeps trying while the key is installed, then notifies', async () => {
      const { page } = wizard
      await openStep(page, /Test connection/)
      await testConnection(page)
      await trustOfferedKey(page)

      const refused = await testConnection(page)
      assert.match(await refused.innerText(), /refused the key/)
      const panel = stepPanel(page, 3)
      await panel
        .getByText(/up to 60 minutes/)
        .first()
        .waitFor()
      await wizard.screenshot('connect-key-refused')
      await panel
        .getByRole('button', { name: 'Keep trying until the key works' })
        .click()
      await panel.getByText(/Attempt 1 was refused/).waitFor()
      await panel.getByText(/Giving up in \d+:\d\d/).waitFor()
      // The login being refused is never shown as done.
      const login = panel.locator('[data-phase="authenticate"]')
      assert.doesNotMatch((await login.getAttribute('class')) ?? '', /done/)
      await wizard.screenshot('connect-key-wait')

      server.authorize(DOMAIN, publicKey)
      await panel
        .getByText('The connection works.')
        .waitFor({ timeout: 20_000 })
      assert.equal(wizard.desktop.notifications.length, 1)
      assert.match(wizard.desktop.notifications[0]?.body ?? '', /waitisd\.org/)
    })

    it('copies a report of the latest test', async () => {
      const panel = stepPanel(wizard.page, 3)
      await panel.getByRole('button', { name: 'Copy report' }).click()
      await panel.getByText(/Report copied/).waitFor()

      const copied = wizard.desktop.copied.at(-1) ?? ''
      assert.match(copied, /District: +waitisd\.org/)
      assert.match(copied, /Result: +works/)
      assert.ok(copied.includes(server.hostKeySha256()))
    })

    it('shows old and new fingerprints when the host key changed', async () => {
      const { page } = wizard
      const old = server.hostKeySha256()
      await server.regenerateHostKey()

      const changed = await testConnection(page)
      assert.match(await changed.innerText(), /identity has changed/)
      const prompt = page.getByTestId('trust-prompt')
      await prompt.getByText(old).waitFor()
      await prompt.getByText(server.hostKeySha256(), { exact: true }).waitFor()
      const failed = stepPanel(page, 3).locator('[data-phase="verify-host"]')
      assert.match(await failed.innerText(), /identity has changed/)
      await wizard.screenshot('connect-host-key-changed')
      assert.deepEqual(wizard.problems, [])
    })
  },
)
