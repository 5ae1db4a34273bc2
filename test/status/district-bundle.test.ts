import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import sshpk from 'sshpk'
import { createContext, type ServiceContext } from '../../main/services/context'
import { updateAlertSettings } from '../../main/services/alert-settings'
import { addDistrictLike } from '../../main/services/district-copy'
import {
  exportDistricts,
  importDistricts,
} from '../../main/services/district-bundle'
import { generateKey } from '../../main/services/keys'
import { readRuns } from '../../main/services/run-history'
import { tempDir } from '../harness/cli'
import { uploadedRun } from './fixtures'

const PASSPHRASE = 'correct horse battery staple'
const PIN = {
  type: 'ssh-ed25519',
  sha256: 'SHA256:AAAAthisisapinnedhostkeyfingerprint0000000',
  md5: 'MD5:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
  pinnedAt: '2026-11-01T10:00:00.000Z',
}

describe('moving every district to another home in one file', () => {
  let source: string
  let file: string
  const homes: string[] = []
  const fresh = (): ServiceContext => {
    const home = tempDir('sg-import')
    homes.push(home)
    return createContext(home)
  }

  before(async () => {
    source = tempDir('sg-export-home')
    file = path.join(tempDir('sg-bundle'), 'districts.sgbundle')
    const ctx = createContext(source)
    for (const domain of ['alphaisd.org', 'betaisd.org']) {
      await ctx.store.add(domain, { name: domain.toUpperCase(), at: '01:30' })
      await generateKey(ctx.store, domain, 'ed25519')
      await ctx.store.update(domain, (d) => ({ ...d, hostKey: PIN }))
      await uploadedRun(ctx, domain, new Date(), { epoch: '20261101-013000' })
    }
    fs.writeFileSync(
      path.join(ctx.layout.districtDir('alphaisd.org'), 'processing.jsonl'),
      `${JSON.stringify({ domain: 'alphaisd.org', epoch: '20261101-013000', state: 'processed', checkedAt: new Date().toISOString() })}\n`,
    )
    await exportDistricts(ctx, file, PASSPHRASE)
  })
  after(() => {
    for (const dir of [source, path.dirname(file), ...homes])
      fs.rmSync(dir, { recursive: true, force: true })
  })

  it('keeps private keys out of the file in clear', () => {
    const text = fs.readFileSync(file, 'utf8')
    assert.ok(!text.includes('PRIVATE KEY'))
    assert.ok(!text.includes('alphaisd.org'), 'settings are sealed too')
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600')
  })

  it('brings back every district, key, pin and history into an empty home', async () => {
    const target = fresh()
    const result = await importDistricts(target, file, PASSPHRASE)
    assert.deepEqual([...result.imported].sort(), [
      'alphaisd.org',
      'betaisd.org',
    ])

    const original = createContext(source)
    for (const domain of result.imported) {
      const before = await original.store.get(domain)
      const after = await target.store.get(domain)
      assert.deepEqual(after.hostKey, PIN)
      assert.equal(after.name, before.name)
      assert.equal(after.key?.sha256, before.key?.sha256)

      const keyFile = path.join(
        target.layout.keysDir(domain),
        after.key?.file ?? '',
      )
      const key = sshpk.parsePrivateKey(
        fs.readFileSync(keyFile, 'utf8'),
        'auto',
      )
      assert.equal(key.fingerprint('sha256').toString(), before.key?.sha256)
      assert.equal((fs.statSync(keyFile).mode & 0o777).toString(8), '600')
      assert.deepEqual(
        await readRuns(target.layout, domain),
        await readRuns(original.layout, domain),
      )
    }
    assert.ok(
      fs.existsSync(
        path.join(
          target.layout.districtDir('alphaisd.org'),
          'processing.jsonl',
        ),
      ),
    )
  })

  it('imports nothing with a wrong passphrase', async () => {
    const target = fresh()
    await assert.rejects(importDistricts(target, file, 'not the passphrase'), {
      code: 'BUNDLE_PASSPHRASE',
    })
    assert.deepEqual(await target.store.list(), [])
    assert.ok(!fs.existsSync(target.layout.districtsDir))
  })

  it('never overwrites a district that already exists', async () => {
    const target = fresh()
    await target.store.add('alphaisd.org', { name: 'Kept as it was' })
    const result = await importDistricts(target, file, PASSPHRASE)
    assert.deepEqual(result.imported, ['betaisd.org'])
    assert.equal(result.skipped[0]?.domain, 'alphaisd.org')
    assert.equal(
      (await target.store.get('alphaisd.org')).name,
      'Kept as it was',
    )
  })

  it('adds the next district like another, staggered, with its own identity left blank', async () => {
    const ctx = fresh()
    await updateAlertSettings(ctx.layout, (s) => ({ ...s, staggerMinutes: 15 }))
    await ctx.store.add('modelisd.org', {
      name: 'Model ISD',
      countyDistrict: '015907',
      exportDir: '/srv/exports',
      pattern: 'Student_*.txt',
      mode: 'direct',
      at: '23:50',
    })
    await ctx.store.update('modelisd.org', (d) => ({
      ...d,
      proxy: 'socks5://proxy.esc.example:1080',
    }))
    await generateKey(ctx.store, 'modelisd.org', 'ed25519')

    const copy = await addDistrictLike(ctx, 'nextisd.org', 'modelisd.org', {})
    assert.equal(copy.exportDir, '/srv/exports')
    assert.equal(copy.pattern, 'Student_*.txt')
    assert.equal(copy.mode, 'direct')
    assert.equal(copy.proxy, 'socks5://proxy.esc.example:1080')
    assert.equal(copy.at, '00:05')
    assert.equal(copy.name, 'nextisd.org')
    assert.equal(copy.countyDistrict, undefined)
    assert.equal(copy.key, undefined)
    assert.equal(copy.hostKey, undefined)

    const third = await addDistrictLike(ctx, 'thirdisd.org', 'modelisd.org', {})
    assert.equal(third.at, '00:20', 'the next free slot, not the same time')
  })

  it('refuses to copy a practice district into a real one', async () => {
    const ctx = fresh()
    await ctx.store.add('rehearsal.example', {
      host: '127.0.0.1',
      port: 2222,
      practice: true,
    })
    await assert.rejects(
      addDistrictLike(ctx, 'realisd.org', 'rehearsal.example', {}),
      (e: Error & { code?: string }) =>
        e.code === 'INVALID_INPUT' && /sandbox add/.test(e.message),
    )
    await assert.rejects(ctx.store.get('realisd.org'), /No district/)
  })
})
