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

  it('never reads an unreadable history as "no uploads"', async () => {
    const other = await h.cli(
      'district',
      'add',
      'otherisd.org',
      '--host',
      '127.0.0.1',
      '--port',
      String(h.closedPort),
    )
    assert.equal(other.code, 0, other.stdout)
    const history = new HomeLayout(h.home).historyFile(DOMAIN)
    fs.mkdirSync(history)

    const one = await h.cli('status', DOMAIN)
    assertRefused(one, 2, 'INVALID_SETTINGS')
    assert.match(String(one.json['message']), /history/)

    // One damaged district marks only its own row of the fleet.
    const fleet = await h.cli('status', '--all', '--offline')
    assert.equal(fleet.code, 12, fleet.stdout)
    const rows = fleet.json['districts'] as {
      domain: string
      state: string
      code?: string
    }[]
    const broken = rows.find((r) => r.domain === DOMAIN)
    assert.equal(broken?.state, 'unreachable')
    assert.equal(broken?.code, 'INVALID_SETTINGS')
    assert.equal(rows.find((r) => r.domain === 'otherisd.org')?.state, 'new')
    fs.rmdirSync(history)
  })

  it('still lists districts when the log cannot be written, and says so', async () => {
    const dir = tempDir('sg-nolog')
    fs.writeFileSync(path.join(dir, 'logs'), 'a file where the log folder goes')

    const result = await cliInProcess(dir, ['district', 'list', '--json'])
    assert.equal(result.code, 0, result.stdout)
    assert.deepEqual(result.json, { ok: true, districts: [] })
    assert.match(result.stderr, /no log is kept/)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('never takes a copied district folder for another district', async () => {
    const layout = new HomeLayout(h.home)
    const backup = path.join(layout.districtsDir, `${DOMAIN} copy`)
    const renamed = layout.districtDir('copyisd.org')
    for (const dir of [backup, renamed]) {
      fs.mkdirSync(dir)
      fs.copyFileSync(file, path.join(dir, 'district.json'))
    }

    // Used as copyisd.org it would log in with the other district's account.
    const shown = await h.cli('check', 'copyisd.org')
    assertRefused(shown, 2, 'INVALID_SETTINGS')
    assert.match(String(shown.json['message']), new RegExp(`is for ${DOMAIN}`))
    fs.rmSync(renamed, { recursive: true })

    // A backup folder whose name is no domain is simply not a district.
    const list = await h.cli('district', 'list')
    assert.equal(list.code, 0, list.stdout)
    const domains = (list.json['districts'] as { domain: string }[]).map(
      (d) => d.domain,
    )
    assert.equal(domains.filter((d) => d === DOMAIN).length, 1)
    fs.rmSync(backup, { recursive: true })
  })

  it('refuses a huge settings file without reading it all', async () => {
    const huge = JSON.stringify({
      ...JSON.parse(good),
      name: 'x'.repeat(3_000_000),
    })
    fs.writeFileSync(file, huge)

    const result = await h.cli('district', 'show', DOMAIN)
    assertRefused(result, 2, 'INVALID_SETTINGS')
    assert.match(String(result.json['message']), /too large/)
    assert.ok(result.stdout.length < 2000, 'the content is not echoed')
    assert.equal(fs.statSync(file).size, huge.length)
    fs.writeFileSync(file, good)
  })

  it('lists the readable districts and names the damaged one', async () => {
    const layout = new HomeLayout(h.home)
    fs.mkdirSync(layout.districtDir('brokenisd.org'))
    fs.writeFileSync(layout.settingsFile('brokenisd.org'), '{"version": 1,')

    const result = await h.cli('district', 'list')
    assert.equal(result.code, 2, result.stdout)
    assert.equal(result.json['ok'], false)
    assert.equal(result.json['code'], 'INVALID_SETTINGS')
    const listed = result.json['districts'] as { domain: string }[]
    assert.ok(listed.some((d) => d.domain === DOMAIN))
    assert.deepEqual(
      (result.json['damaged'] as { domain: string }[]).map((d) => d.domain),
      ['brokenisd.org'],
    )

    const text = await cliInProcess(h.home, ['district', 'list'])
    assert.equal(text.code, 2)
    assert.match(
      text.stdout,
      new RegExp(`^${DOMAIN.replace('.', '\\.')}\\t`, 'm'),
    )
    assert.match(text.stdout, /DAMAGED brokenisd\.org/)
    fs.rmSync(layout.districtDir('brokenisd.org'), { recursive: true })
  })
})
