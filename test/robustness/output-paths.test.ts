import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  assertRefused,
  cliWithStdin,
  homeWithDistrict,
  type BadInputHome,
} from './helpers'

const DOMAIN = 'outputisd.org'
const PASSPHRASE = 'correct horse battery staple\n'

describe('an output path that cannot be written is named, not an internal error', () => {
  let h: BadInputHome
  let folder: string

  before(async () => {
    h = await homeWithDistrict(DOMAIN)
    folder = path.join(h.home, 'a-folder')
    fs.mkdirSync(folder)
  })
  after(() => h.cleanup())

  it('district export onto a folder or into a missing folder', async () => {
    const onFolder = await cliWithStdin(
      h.home,
      ['district', 'export', folder, '--passphrase-stdin'],
      PASSPHRASE,
    )
    assertRefused(onFolder, 2, 'PATH_UNUSABLE')
    assert.match(String(onFolder.json['message']), /a-folder: it is a folder/)
    assert.deepEqual(fs.readdirSync(folder), [])

    const missing = path.join(h.home, 'no-such-folder', 'districts.bundle')
    const inMissing = await cliWithStdin(
      h.home,
      ['district', 'export', missing, '--passphrase-stdin'],
      PASSPHRASE,
    )
    assertRefused(inMissing, 2, 'PATH_UNUSABLE')
    // The path the user typed, not the writer's temporary file name.
    assert.match(String(inMissing.json['message']), /districts\.bundle: it/)
    assert.equal(fs.existsSync(path.dirname(missing)), false)
  })

  it('schedule show --out onto a folder or below a file', async () => {
    const onFolder = await h.cli(
      'schedule',
      'show',
      DOMAIN,
      '--platform',
      'windows',
      '--out',
      folder,
    )
    assertRefused(onFolder, 2, 'PATH_UNUSABLE')
    assert.match(String(onFolder.json['message']), /a-folder/)

    const aFile = path.join(h.home, 'plain.txt')
    fs.writeFileSync(aFile, 'keep me')
    const belowFile = await h.cli(
      'schedule',
      'show',
      DOMAIN,
      '--platform',
      'macos',
      '--out',
      path.join(aFile, 'agent.plist'),
    )
    assertRefused(belowFile, 2, 'PATH_UNUSABLE')
    assert.match(String(belowFile.json['whatToDo']), /folder/)
    assert.equal(fs.readFileSync(aFile, 'utf8'), 'keep me')
  })
})
