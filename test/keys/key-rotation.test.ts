import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { AppError } from '../../shared/errors'
import { checkConnection } from '../../main/services/connection-check'
import { createContext, type ServiceContext } from '../../main/services/context'
import { importKey } from '../../main/services/key-import'
import { generateKey, keyView } from '../../main/services/keys'
import { tempDir } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { KeyFixtures, keyToolsAvailable } from './key-tools'

const DOMAIN = 'fooisd.org'

describe(
  'imported keys log in, and a new key takes over only once it works',
  {
    skip:
      (!sshdAvailable() || !keyToolsAvailable()) &&
      'needs root, openssh-server and the key tools',
  },
  () => {
    let sshd: SshdServer
    let home: string
    let fx: KeyFixtures
    let ctx: ServiceContext

    before(async () => {
      sshd = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-rotate')
      fx = new KeyFixtures(tempDir('sg-rotate-keys'))
      ctx = createContext(home)
      await ctx.store.add(DOMAIN, { host: '127.0.0.1', port: sshd.port })
    })
    after(async () => {
      await sshd?.stop()
      fs.rmSync(home, { recursive: true, force: true })
      fs.rmSync(fx.dir, { recursive: true, force: true })
    })

    it('K3: an Ed25519 PKCS#8 key from OpenSSL imports and logs in to OpenSSH', async () => {
      fx.openssl('ed.pem', ['genpkey', '-algorithm', 'ed25519'])
      const view = await importKey(ctx.store, DOMAIN, fx.text('ed.pem'))
      sshd.authorize(DOMAIN, view.publicKey)

      const report = await checkConnection(ctx, DOMAIN, { firstUse: true })
      assert.equal(report.domain, DOMAIN)
      assert.equal(report.upload.readable, true)
    })

    it('keeps the key in use while the new one is not installed, then switches on its first login', async () => {
      const before = (await ctx.store.get(DOMAIN)).key
      const pending = await generateKey(ctx.store, DOMAIN, 'ed25519')
      assert.equal(pending.role, 'pending')
      assert.notEqual(pending.sha256, before?.sha256)

      // SameGoal has not installed the new key: the current one still works.
      await checkConnection(ctx, DOMAIN)
      let district = await ctx.store.get(DOMAIN)
      assert.equal(district.key?.sha256, before?.sha256)
      assert.equal(district.pendingKey?.sha256, pending.sha256)

      sshd.authorize(DOMAIN, pending.publicKey)
      await checkConnection(ctx, DOMAIN)
      district = await ctx.store.get(DOMAIN)
      assert.equal(district.key?.sha256, pending.sha256)
      assert.equal(district.pendingKey, undefined)

      const current = keyView(ctx.store, district)
      assert.equal(
        fs.readFileSync(current.publicKeyFile, 'utf8'),
        `${pending.publicKey}\n`,
      )
      assert.ok(
        fs.existsSync(
          before ? `${home}/districts/${DOMAIN}/keys/${before.file}` : '',
        ),
      )
    })

    it('reports the refusal when neither key is installed', async () => {
      await ctx.store
        .add('other.fooisd.org', { host: '127.0.0.1', port: sshd.port })
        .catch(() => undefined)
      await generateKey(ctx.store, 'other.fooisd.org', 'ed25519')
      await generateKey(ctx.store, 'other.fooisd.org', 'ed25519')

      const error = await checkConnection(ctx, 'other.fooisd.org', {
        firstUse: true,
      }).then(
        () => assert.fail('logged in without an installed key'),
        (caught: unknown) => caught,
      )
      assert.ok(error instanceof AppError)
      assert.equal(error.exitCode, 5, error.code)
    })
  },
)
