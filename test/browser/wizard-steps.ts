import type { Locator, Page } from 'playwright-core'

/**
 * Drives the wizard the way a person does: by the roles, names and words
 * on screen, so the steps can change their layout without breaking the
 * tests that walk through them.
 */

/** The panel of step n (1 to 5), found by its heading. */
export function stepPanel(page: Page, n: number): Locator {
  return page.getByRole('region', { name: new RegExp(`^Step ${n}:`) })
}

/** Opens a step from the step bar. */
export async function openStep(page: Page, title: RegExp): Promise<Locator> {
  const nav = page.getByRole('navigation', { name: 'Setup steps' })
  await nav.getByRole('button', { name: title }).click()
  return page.getByRole('main')
}

/** Step 1: generates an Ed25519 keypair and waits for its fingerprint. */
export async function generateEd25519(page: Page): Promise<void> {
  const panel = stepPanel(page, 1)
  await panel
    .getByRole('radio', { name: /Ed25519/ })
    .first()
    .check()
  await panel.getByRole('button', { name: 'Generate keypair' }).click()
  await panel
    .getByText(/SHA256:/)
    .first()
    .waitFor()
}

/** Step 3: presses "Test connection" and waits for the verdict. */
export async function testConnection(page: Page): Promise<Locator> {
  const panel = stepPanel(page, 3)
  const verdict = panel
    .getByRole('alert')
    .or(panel.getByText('The connection works.'))
  // A verdict of the previous test must go before the new one is read.
  const previous =
    (await verdict.count()) > 0 ? await verdict.first().elementHandle() : null
  await panel.getByRole('button', { name: /^Test connection/ }).click()
  if (previous) await previous.waitForElementState('hidden')
  await verdict.first().waitFor()
  return verdict.first()
}

/** Step 3: fills "Server and proxy" and saves; returns the form. */
export async function setServer(
  page: Page,
  fields: { host?: string; port?: string; proxy?: string },
): Promise<Locator> {
  const panel = stepPanel(page, 3)
  const form = panel.getByRole('form', { name: 'Server and proxy' })
  if (!(await form.isVisible()))
    await panel.getByText('Server and proxy').click()
  if (fields.host !== undefined)
    await form.getByLabel('Server').fill(fields.host)
  if (fields.port !== undefined) await form.getByLabel('Port').fill(fields.port)
  if (fields.proxy !== undefined)
    await form.getByLabel(/^Proxy/).fill(fields.proxy)
  await form.getByRole('button', { name: 'Save' }).click()
  return form
}

/** Step 3: accepts the host key the server offered. */
export async function trustOfferedKey(page: Page): Promise<void> {
  const panel = stepPanel(page, 3)
  await panel.getByRole('button', { name: /trust this key/i }).click()
}

/** Step 4: sets the export folder and saves. */
export async function chooseExportFolder(
  page: Page,
  folder: string,
): Promise<void> {
  const panel = stepPanel(page, 4)
  await panel.getByLabel(/Export folder/).fill(folder)
  await panel.getByRole('button', { name: 'Save', exact: true }).click()
}

/** Step 4: runs an upload now and waits for its result. */
export async function runUploadNow(page: Page): Promise<Locator> {
  const panel = stepPanel(page, 4)
  await panel.getByRole('button', { name: /Run upload now/ }).click()
  const result = panel
    .getByText(/Uploaded into epoch/)
    .or(panel.getByRole('alert'))
  await result.first().waitFor({ timeout: 60_000 })
  return result.first()
}

/** Step 5: checks now and returns the verdict on the latest upload. */
export async function checkProcessing(page: Page): Promise<Locator> {
  const panel = stepPanel(page, 5)
  await panel.getByRole('button', { name: /Check now/ }).click()
  const verdict = panel.getByText(/processed the latest upload/)
  await verdict.first().waitFor()
  return verdict.first()
}
