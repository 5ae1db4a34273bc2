import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { practiceHostFor } from '../../main/practice/practice-host'
import { SAMPLE_DOMAIN } from '../../main/practice/practice-district'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'

const SYNC_SECONDS = 1

describe(
  'the whole practice flow with the keyboard alone',
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

    it('starts practice and lands on step 1', async () => {
      const { page } = wizard
      await page.getByRole('heading', { name: /Connect a district/ }).waitFor()
      await tabTo(page, /^Practice with a sample district$/)
      await assertFocusVisible(page)
      await page.keyboard.press('Enter')

      await focusOnHeading(page, /^Step 1:/)
    })

    it('step 1: picks Ed25519 with the arrow keys and generates', async () => {
      const { page } = wizard
      await tabTo(page, /RSA 4096/)
      await page.keyboard.press('ArrowDown')
      assert.equal(await active(page, 'checked'), 'true')
      await tabTo(page, /^Generate keypair$/)
      await page.keyboard.press('Enter')
      await page
        .getByText(/SHA256:/)
        .first()
        .waitFor()

      await tabTo(page, /^Next: share the key$/)
      await page.keyboard.press('Enter')
      await focusOnHeading(page, /^Step 2:/)
    })

    it('step 2: sends the key to the practice server', async () => {
      const { page } = wizard
      await tabTo(page, /^Send to the practice server$/)
      await page.keyboard.press('Enter')
      await page.getByText('Sent to the practice server.').waitFor()

      await tabTo(page, /^Next: test the connection$/)
      await page.keyboard.press('Enter')
      await focusOnHeading(page, /^Step 3:/)
    })

    it('step 3: trusts the host key and connects', async () => {
      const { page } = wizard
      const shared = (await wizard.ctx.store.get(SAMPLE_DOMAIN)).keyShared
      const usableAt = Date.parse(shared?.at ?? '') + SYNC_SECONDS * 1000
      await new Promise((r) => setTimeout(r, usableAt - Date.now() + 200))

      await tabTo(page, /^Test connection$/)
      await page.keyboard.press('Enter')
      await page.getByRole('alert').waitFor()
      // The button was disabled while busy; focus comes back to it.
      await page.waitForFunction(
        () => document.activeElement?.textContent === 'Test connection',
      )
      await tabTo(page, /trust this key/i)
      await page.keyboard.press('Enter')
      await tabTo(page, /^Test connection$/, 'Shift+Tab')
      await page.keyboard.press('Enter')
      await page.getByText('The connection works.').waitFor()

      await tabTo(page, /^Next: nightly upload$/)
      await page.keyboard.press('Enter')
      await focusOnHeading(page, /^Step 4:/)
    })

    it('step 4 and 5: runs the upload and sees it processed', async () => {
      const { page } = wizard
      await page
        .getByText(/TxEISStudent_015907\.txt/)
        .first()
        .waitFor()
      await tabTo(page, /^Run upload now$/)
      await page.keyboard.press('Enter')
      await page.getByText(/Uploaded into epoch/).waitFor()

      await tabTo(page, /^Next: confirm processing$/)
      await page.keyboard.press('Enter')
      await focusOnHeading(page, /^Step 5:/)

      await practiceHostFor(wizard.ctx).settled()
      await tabTo(page, /^Check now$/)
      await page.keyboard.press('Enter')
      await page.getByText(/SameGoal processed the latest upload/).waitFor()
      assert.deepEqual(wizard.problems, [])
    })
  },
)

// Presses Tab (or Shift+Tab) until the focused control's name matches.
async function tabTo(
  page: Page,
  name: RegExp,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(key)
    if (name.test(await active(page, 'name'))) return
  }
  assert.fail(`no control named ${name} is reachable with ${key}`)
}

async function active(page: Page, what: 'name' | 'checked'): Promise<string> {
  return page.evaluate((field) => {
    const el = document.activeElement as HTMLInputElement | null
    if (!el) return ''
    if (field === 'checked') return String(el.checked)

    const label = el.labels?.[0]?.textContent ?? ''
    return (el.getAttribute('aria-label') ?? (label || el.textContent) ?? '')
      .replace(/\s+/g, ' ')
      .trim()
  }, what)
}

async function focusOnHeading(page: Page, text: RegExp): Promise<void> {
  await page.waitForFunction(
    (source) =>
      new RegExp(source).test(
        document.activeElement?.matches('h1, h2, h3, h4')
          ? (document.activeElement.textContent ?? '')
          : '',
      ),
    text.source,
  )
}

// The focused control must show a clear outline, not the browser's faint default.
async function assertFocusVisible(page: Page): Promise<void> {
  const outline = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element)
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
  })
  assert.notEqual(outline.style, 'none')
  assert.ok(outline.width >= 2, `focus outline is ${outline.width}px`)
}
