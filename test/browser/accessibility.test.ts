import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { practiceHostFor } from '../../main/practice/practice-host'
import { SAMPLE_DOMAIN } from '../../main/practice/practice-district'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import { seriousViolations } from './axe-scan'
import {
  checkProcessing,
  generateEd25519,
  openStep,
  runUploadNow,
  stepPanel,
  testConnection,
  trustOfferedKey,
} from './wizard-steps'

// Every step is scanned with axe-core in the light and the dark theme, and
// shown at 200% zoom, after the step has done its work.

describe(
  'every step passes an accessibility scan, light and dark',
  { skip: browserSkipReason() },
  () => {
    let wizard: Wizard
    let zoomed: Wizard

    before(async () => {
      wizard = await openWizard({
        practice: { syncDelaySeconds: 0, processDelaySeconds: 0.2 },
      })
      zoomed = await openWizard({
        home: wizard.home,
        viewport: { width: 550, height: 380 },
        deviceScaleFactor: 2,
      })
    })
    after(async () => {
      await zoomed?.close()
      await wizard?.close()
    })

    // Scans the page in both themes and saves the dark and zoomed views.
    async function scan(name: string, step?: RegExp): Promise<void> {
      const { page } = wizard
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        const found = await seriousViolations(page)
        assert.deepEqual(found, [], `${name} (${scheme})`)
      }
      await wizard.screenshot(`theme-dark-${name}`)
      await page.emulateMedia({ colorScheme: 'light' })

      await zoomed.page.reload()
      if (step) {
        await zoomed.page
          .getByRole('button', { name: /Practice ISD/ })
          .first()
          .click()
        await openStep(zoomed.page, step)
      }
      await zoomed.page.waitForTimeout(300)
      assert.deepEqual(await horizontalOverflow(zoomed), 0, `${name} at 200%`)
      await zoomed.screenshot(`zoom-200-${name}`)
    }

    it('the first screen', async () => {
      await wizard.page
        .getByRole('heading', { name: /Connect a district/ })
        .waitFor()
      await scan('0-start')
    })

    it('step 1', async () => {
      const { page } = wizard
      await page
        .getByRole('button', { name: 'Practice with a sample district' })
        .click()
      await stepPanel(page, 1).waitFor()
      await scan('1-key-choice', /Keypair/)
      await generateEd25519(page)
      await scan('1-key', /Keypair/)
    })

    it('step 2', async () => {
      const { page } = wizard
      await openStep(page, /Share the key/)
      await stepPanel(page, 2)
        .getByRole('button', { name: 'Send to the practice server' })
        .click()
      await page.getByText('Sent to the practice server.').waitFor()
      await scan('2-share', /Share the key/)
    })

    it('step 3, with an error shown and then connected', async () => {
      const { page } = wizard
      await openStep(page, /Test connection/)
      await testConnection(page)
      await scan('3-untrusted', /Test connection/)
      await trustOfferedKey(page)
      await testConnection(page)
      await scan('3-connected', /Test connection/)
    })

    it('step 4', async () => {
      const { page } = wizard
      await openStep(page, /Nightly upload/)
      await runUploadNow(page)
      await scan('4-uploaded', /Nightly upload/)
    })

    it('step 5', async () => {
      const { page } = wizard
      await practiceHostFor(wizard.ctx).settled()
      await openStep(page, /Confirm processing/)
      await checkProcessing(page)
      await scan('5-processed', /Confirm processing/)
      assert.equal((await wizard.ctx.store.get(SAMPLE_DOMAIN)).practice, true)
      assert.deepEqual(wizard.problems, [])
    })

    it('the fleet of districts, with the practice mark', async () => {
      const { page } = wizard
      await page.reload()
      const fleet = page.getByRole('table', { name: /Every district/ })
      await fleet.getByText('Practice', { exact: true }).waitFor()
      await scan('6-fleet')
    })
  },
)

// How far the page is wider than the window; at 200% nothing should need a
// sideways scroll.
async function horizontalOverflow(wizard: Wizard): Promise<number> {
  return wizard.page.evaluate(
    () =>
      document.documentElement.scrollWidth -
      document.documentElement.clientWidth,
  )
}
