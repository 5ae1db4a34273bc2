import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import type net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createProxy } from 'proxy'
import { processAccount } from '../../main/processor/samegoal-processor'
import { writeSampleExport } from '../../main/processor/sample-export'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import { tempDir } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import {
  checkProcessing,
  chooseExportFolder,
  generateEd25519,
  openStep,
  runUploadNow,
  setServer,
  stepPanel,
  testConnection,
  trustOfferedKey,
} from './wizard-steps'

const DOMAIN = 'wizardisd.org'

describe(
  'the five steps in the wizard against OpenSSH',
  {
    skip:
      browserSkipReason() ||
      (!sshdAvailable() && 'needs root and openssh-server'),
  },
  () => {
    let server: SshdServer
    let wizard: Wizard
    let exportDir: string

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      exportDir = tempDir('sg-wizard-export')
      wizard = await openWizard()
    })
    after(async () => {
      await wizard?.close()
      await server?.stop()
      fs.rmSync(exportDir, { recursive: true, force: true })
    })

    it('adds the district and generates its key', async () => {
      const { page } = wizard
      const form = page.getByRole('form', { name: 'Add a district' })
      await form.getByLabel('Domain (SFTP username)').fill(DOMAIN)
      await form.getByLabel('District name').fill('Wizard ISD')
      await form.getByRole('button', { name: 'Add district' }).click()
      await page.getByRole('heading', { name: 'Wizard ISD' }).waitFor()

      await generateEd25519(page)
      await wizard.screenshot('openssh-1-key')
    })

    it('step 2: copies the key and prepares the email draft', async () => {
      const { page } = wizard
      await openStep(page, /Share the key/)
      const panel = stepPanel(page, 2)
      const key = (await wizard.ctx.store.get(DOMAIN)).key?.publicKey ?? '-'

      await panel.getByRole('button', { name: /Email to SameGoal/ }).click()
      await panel.getByText(/draft/i).first().waitFor()
      const draft = wizard.desktop.opened.find((f) => f.endsWith('.eml'))
      assert.ok(draft, 'no email draft was opened')
      const text = fs.readFileSync(draft, 'utf8')
      assert.match(text, /tier2help@samegoal\.com/)
      assert.match(text, new RegExp(`${DOMAIN}\\.pub`))
      const again = panel.getByRole('button', { name: 'Send again' })
      // Once shared, the step shows when it was sent; "Send again" reopens
      // the ways to share.
      await again.waitFor({ timeout: 5000 }).then(
        () => again.click(),
        () => undefined,
      )
      await panel.getByRole('button', { name: 'Copy public key' }).click()
      await panel.getByText(/Copied to the clipboard/).waitFor()
      assert.equal(wizard.desktop.copied.at(-1)?.trim(), key)

      await wizard.screenshot('openssh-2-share')
    })

    it('step 3: the test server is set in the form, a bad port refused', async () => {
      const { page } = wizard
      await openStep(page, /Test connection/)
      const panel = stepPanel(page, 3)

      await setServer(page, { host: '127.0.0.1', port: '22x' })
      await panel.getByText(/The port must be a whole number/).waitFor()
      assert.equal((await wizard.ctx.store.get(DOMAIN)).port, 22)

      // The test server stands in for sftp.samegoal.com.
      await setServer(page, { port: String(server.port) })
      await panel
        .getByText(`Connects to 127.0.0.1 port ${server.port}`)
        .waitFor()
      const saved = await wizard.ctx.store.get(DOMAIN)
      assert.equal(saved.host, '127.0.0.1')
      assert.equal(saved.port, server.port)
    })

    it('step 3: trust the host key; a key not installed is refused', async () => {
      const { page } = wizard
      await openStep(page, /Test connection/)

      const untrusted = await testConnection(page)
      assert.match(await untrusted.innerText(), /identity is not confirmed/)
      await stepPanel(page, 3)
        .getByText(server.hostKeySha256(), { exact: true })
        .waitFor()
      await trustOfferedKey(page)

      const refused = await testConnection(page)
      assert.match(await refused.innerText(), /refused the key/)
      await wizard.screenshot('openssh-3-key-not-installed')

      const key = (await wizard.ctx.store.get(DOMAIN)).key?.publicKey ?? '-'
      server.authorize(DOMAIN, key)
      const works = await testConnection(page)
      assert.equal(await works.innerText(), 'The connection works.')
      const pinned = (await wizard.ctx.store.get(DOMAIN)).hostKey
      assert.equal(pinned?.sha256, server.hostKeySha256())
      await wizard.screenshot('openssh-3-connected')
    })

    it('step 4: a missing export file is named, then the upload runs', async () => {
      const { page } = wizard
      await stepPanel(page, 3)
        .getByRole('button', { name: 'Next: nightly upload' })
        .click()
      await chooseExportFolder(page, exportDir)
      const panel = stepPanel(page, 4)
      await panel.getByText('No export file was found').first().waitFor()
      await wizard.screenshot('openssh-4-export-missing')

      const missing = await runUploadNow(page)
      assert.match(await missing.innerText(), /No export file was found/)
      assert.deepEqual(fs.readdirSync(uploadDir(server)), [])

      await writeSampleExport(exportDir, { records: 800 })
      await chooseExportFolder(page, exportDir)
      await panel
        .getByText(/TxEISStudent_015907\.txt/)
        .first()
        .waitFor()
      const uploaded = await runUploadNow(page)
      assert.match(await uploaded.innerText(), /Uploaded into epoch/)
      await panel.getByText(/100%/).first().waitFor()
      await wizard.screenshot('openssh-4-uploaded')
    })

    it('step 5: sees the epoch processed', async () => {
      const { page } = wizard
      const results = await processAccount(server.accountRoot(DOMAIN))
      assert.equal(results[0]?.outcome, 'processed')
      await stepPanel(page, 4)
        .getByRole('button', { name: 'Next: confirm processing' })
        .click()

      const verdict = await checkProcessing(page)
      assert.match(await verdict.innerText(), /SameGoal processed the latest/)
      await wizard.screenshot('openssh-5-processed')
    })

    it('step 3: connects through an HTTP proxy typed into the wizard', async () => {
      const { page } = wizard
      const proxy = await loopbackHttpProxy()
      await openStep(page, /Test connection/)
      const panel = stepPanel(page, 3)

      await setServer(page, { proxy: proxy.url })
      await panel.getByText(/through the district.s proxy/).waitFor()
      assert.equal((await wizard.ctx.store.get(DOMAIN)).proxy, proxy.url)
      const works = await testConnection(page)
      assert.equal(await works.innerText(), 'The connection works.')
      assert.ok(proxy.tunnels() >= 1, 'the test went through the proxy')

      await setServer(page, { proxy: '' })
      await panel.getByText(/through the district.s proxy/).waitFor({
        state: 'detached',
      })
      assert.equal((await wizard.ctx.store.get(DOMAIN)).proxy, undefined)
      await proxy.close()
    })

    it('a changed host key is refused with nothing sent', async () => {
      const { page } = wizard
      await server.regenerateHostKey()
      await openStep(page, /Test connection/)

      const changed = await testConnection(page)
      assert.match(await changed.innerText(), /identity has changed/)
      // The success of the test before must not stay beside this failure.
      const panel = stepPanel(page, 3)
      assert.equal(await panel.getByText('The connection works.').count(), 0)
      await wizard.screenshot('openssh-3-host-key-changed')

      // Step 5 meets the same change and leads back to step 3 to settle it.
      await openStep(page, /Confirm processing/)
      const five = stepPanel(page, 5)
      await five.getByRole('button', { name: /Check now/ }).click()
      await five
        .getByRole('alert')
        .getByText(/trust it in step 3/)
        .waitFor()
      await five.getByRole('button', { name: 'Go to step 3' }).click()
      await stepPanel(page, 3).waitFor()
      assert.deepEqual(wizard.problems, [])
    })
  },
)

function uploadDir(server: SshdServer): string {
  return `${server.accountRoot(DOMAIN)}/upload`
}

/** An HTTP CONNECT proxy on loopback that counts its tunnels. */
async function loopbackHttpProxy() {
  let tunnels = 0
  const proxy = createProxy(http.createServer())
  proxy.on('connect', () => tunnels++)
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const { port } = proxy.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => tunnels,
    close: () => {
      proxy.closeAllConnections()
      return new Promise((resolve) => proxy.close(resolve))
    },
  }
}
