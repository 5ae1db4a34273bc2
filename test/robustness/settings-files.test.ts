import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { HomeLayout } from '../../main/services/home'
import { tempDir } from '../harness/cli'
import { cliInProcess } from '../harness/in-process-cli'
import { assertRefused, homeWithDistrict, type BadInputHome } from './helpers'

const DOMAIN = 'settingsisd.org'

describe('damaged settings files are named, explained and left alone', () => {
  let h: BadInputHome
  let file: string
  let good: string

  before(async () => {
    h = await homeWithDistrict(DOMAIN)
    file = new HomeLayout(h.home).settingsFile(DOMAIN)
    good = fs.readFileSync(file, 'utf8')
  })
  after(() => h.cleanup())

  it('says a newer version wrote the file, and keeps it as it is', async () => {
    const newer = good.replace('"version": 1', '"version": 7')
    fs.writeFileSync(file, newer)

    const result = await h.cli('district', 'show', DOMAIN)
    assertRefused(result, 2, 'SETTINGS_TOO_NEW')
    assert.match(String(result.json['message']), /newer version/)
    assert.match(String(result.json['whatToDo']), /Update this program/)

    assertRefused(
      await h.cli('district', 'set', DOMAIN, '--name', 'X'),
      2,
      'SETTINGS_TOO_NEW',
    )
    assert.equal(fs.readFileSync(file, 'utf8'), newer, 'file untouched')
    fs.writeFileSync(file, good)
  })

  it('tells an empty file from a folder in its place', async () => {
    fs.writeFileSync(file, '')
    const empty = await h.cli('district', 'show', DOMAIN)
    assertRefused(empty, 2, 'INVALID_SETTINGS')
    assert.match(String(empty.json['message']), /is empty/)

    fs.rmSync(file)
    fs.mkdirSync(file)
    const folder = await h.cli('district', 'show', DOMAIN)
    assertRefused(folder, 2, 'INVALID_SETTINGS')
    assert.match(String(folder.json['message']), /is a folder/)
    assert.doesNotMatch(String(folder.json['message']), /JSON/)

    fs.rmdirSync(file)
    fs.writeFileSync(file, good)
  })

  it('refuses a home that is a file, without a stack trace', async () => {
    const dir = tempDir('sg-homefile')
    const homeFile = path.join(dir, 'not-a-folder')
    fs.writeFileSync(homeFile, 'x')

    const result = await cliInProcess(homeFile, ['district', 'list', '--json'])
    assertRefused(result, 2, 'PATH_UNUSABLE')
    assert.match(String(result.json['message']), /is a file, not a folder/)
    assert.equal(fs.readFileSync(homeFile, 'utf8'), 'x')
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('names the bad field of alerts.json in plain words', async () => {
    const alerts = path.join(h.home, 'alerts.json')
    fs.writeFileSync(alerts, '{"stuckAfterHours":"soon"}')

    const result = await h.cli('alerts', 'show')
    assertRefused(result, 2, 'INVALID_SETTINGS')
    assert.match(String(result.json['message']), /stuckAfterHours/)
    assert.doesNotMatch(String(result.json['message']), /"code"|\[\s*\{/)
    assert.doesNotMatch(
      String(result.json['whatToDo']),
      /^Restore it from a backup, or remove the district/,
    )
    fs.rmSync(alerts)
  })

  it('refuses a folder named alerts.json instead of using defaults', async () => {
    const alerts = path.join(h.home, 'alerts.json')
    fs.mkdirSync(alerts)

    assertRefused(await h.cli('alerts', 'show'), 2, 'INVALID_SETTINGS')
    fs.rmdirSync(alerts)
  })

  it('refuses an out-of-range alert setting without writing it', async () => {
    const result = await h.cli('alerts', 'set', '--stagger-minutes', '1e9')
    assertRefused(result, 2, 'INVALID_INPUT')
    assert.match(String(result.json['message']), /staggerMinutes/)
    assert.equal(fs.existsSync(path.join(h.home, 'alerts.json')), false)
  })
})
