import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { DistrictStore } from '../../main/services/district-store'
import { tempDir } from '../harness/cli'

describe('district settings', () => {
  it('keeps every change when several writers update at once', async () => {
    const home = tempDir('sg-store')
    await new DistrictStore(home).add('fooisd.org', {})

    // Separate store objects, as the wizard and a nightly run would have.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        new DistrictStore(home).update('fooisd.org', (d) => ({
          ...d,
          name: d.name + String.fromCharCode(97 + i),
        })),
      ),
    )
    const name = (await new DistrictStore(home).get('fooisd.org')).name
    assert.equal(name.length, 'fooisd.org'.length + 12)
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('says which settings file is damaged', async () => {
    const home = tempDir('sg-store')
    const store = new DistrictStore(home)
    await store.add('fooisd.org', {})
    fs.writeFileSync(
      store.layout.settingsFile('fooisd.org'),
      '{"version": 1, "domain": ',
    )

    await assert.rejects(
      store.get('fooisd.org'),
      (e: Error & { code?: string }) =>
        e.code === 'INVALID_SETTINGS' && e.message.includes('district.json'),
    )
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('drops the pinned host key when the server changes', async () => {
    const home = tempDir('sg-store')
    const store = new DistrictStore(home)
    await store.add('fooisd.org', {})
    await store.update('fooisd.org', (d) => ({
      ...d,
      hostKey: {
        type: 'ssh-ed25519',
        sha256: 'SHA256:x',
        md5: 'MD5:y',
        pinnedAt: new Date().toISOString(),
      },
    }))
    assert.ok((await store.set('fooisd.org', { name: 'Foo' })).hostKey)
    assert.equal(
      (await store.set('fooisd.org', { port: 2222 })).hostKey,
      undefined,
    )
    fs.rmSync(home, { recursive: true, force: true })
  })
})
