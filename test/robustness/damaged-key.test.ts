import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { writeSampleExport } from '../../main/processor/sample-export'
import { HomeLayout } from '../../main/services/home'
import { assertRefused, homeWithDistrict, type BadInputHome } from './helpers'

const DOMAIN = 'keyisd.org'

describe('a damaged stored private key is INVALID_KEY, never "key refused"', () => {
  let h: BadInputHome
  let keyFile: string
  let intact: Buffer

  before(async () => {
    h = await homeWithDistrict(DOMAIN)
    const exportDir = path.join(h.home, 'export')
    fs.mkdirSync(exportDir)
    await writeSampleExport(exportDir, { records: 5, countyDistrict: '015907' })
    const set = await h.cli(
      'district',
      'set',
      DOMAIN,
      '--export-dir',
      exportDir,
    )
    assert.equal(set.code, 0, set.stdout)

    const key = await h.cli('key', 'generate', DOMAIN, '--type', 'ed25519')
    assert.equal(key.code, 0, key.stdout)
    const keysDir = new HomeLayout(h.home).keysDir(DOMAIN)
    const name = fs.readdirSync(keysDir).find((f) => !f.endsWith('.pub'))
    keyFile = path.join(keysDir, name ?? '')
    intact = fs.readFileSync(keyFile)
  })
  after(() => h.cleanup())

  // The district points at a closed port: INVALID_KEY rather than
  // CONNECTION_REFUSED also shows the key is checked before connecting.
  for (const [label, damage] of [
    ['cut short', (b: Buffer) => b.subarray(0, 100)],
    ['garbage', () => Buffer.from('not a key at all\n')],
  ] as const) {
    it(`check and upload refuse a key that is ${label}`, async () => {
      fs.writeFileSync(keyFile, damage(intact))

      const check = await h.cli('check', DOMAIN, '--trust-on-first-use')
      assertRefused(check, 2, 'INVALID_KEY')
      assert.match(String(check.json['message']), /damaged|cut short/)
      assert.match(String(check.json['whatToDo']), /generate a new keypair/)

      const upload = await h.cli('upload', DOMAIN)
      assertRefused(upload, 2, 'INVALID_KEY')
      fs.writeFileSync(keyFile, intact)
    })
  }
})
