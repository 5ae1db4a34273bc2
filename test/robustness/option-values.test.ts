import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { HomeLayout } from '../../main/services/home'
import { tempDir } from '../harness/cli'
import { cliInProcess } from '../harness/in-process-cli'
import { assertRefused, homeWithDistrict, type BadInputHome } from './helpers'

const DOMAIN = 'optionsisd.org'

describe('odd option values are refused and change nothing', () => {
  let h: BadInputHome
  let settingsFile: string
  let aFile: string

  before(async () => {
    h = await homeWithDistrict(DOMAIN)
    settingsFile = new HomeLayout(h.home).settingsFile(DOMAIN)
    aFile = path.join(h.home, 'a-file.txt')
    fs.writeFileSync(aFile, 'not a folder')
  })
  after(() => h.cleanup())

  it('refuses each value with INVALID_INPUT naming the option', async () => {
    const cases: [string, string][] = [
      ['--port', '2e1'],
      ['--port', '0x16'],
      ['--port', ' '],
      ['--name', ''],
      ['--name', '   '],
      ['--name', 'two\nlines'],
      ['--name', 'x'.repeat(5000)],
      ['--host', '...'],
      ['--host', ':::'],
      ['--host', '999.1.1.1'],
      ['--host', 'a..b'],
      ['--export-dir', ''],
      ['--pattern', '..'],
      ['--pattern', 'Tx\u0007*.txt'],
      ['--proxy', 'socks5://user:pass@127.0.0.1:1080/path?x=1'],
      ['--proxy', 'http://proxy.esc.net:8080#top'],
      ['--export-dir', '/tmp/two\nlines'],
    ]
    const before = fs.readFileSync(settingsFile, 'utf8')
    for (const [flag, value] of cases) {
      const result = await h.cli('district', 'set', DOMAIN, flag, value)
      assertRefused(result, 2, 'INVALID_INPUT')
      assert.match(String(result.json['message']), new RegExp(flag), flag)
    }
    assert.equal(fs.readFileSync(settingsFile, 'utf8'), before)
  })

  it('refuses a file as the export folder, but allows one not there yet', async () => {
    const file = await h.cli('district', 'set', DOMAIN, '--export-dir', aFile)
    assertRefused(file, 2, 'INVALID_INPUT')
    assert.match(String(file.json['message']), /is a file/)

    const later = path.join(h.home, 'not-yet', 'mounted-later')
    const ok = await h.cli('district', 'set', DOMAIN, '--export-dir', later)
    assert.equal(ok.code, 0, ok.stdout)
  })

  it('takes an IPv6 proxy and stores it as given', async () => {
    const set = await h.cli(
      'district',
      'set',
      DOMAIN,
      '--proxy',
      'http://[::1]:8080',
    )
    assert.equal(set.code, 0, set.stdout)
    assert.equal(
      JSON.parse(fs.readFileSync(settingsFile, 'utf8')).proxy,
      'http://[::1]:8080',
    )
    const none = await h.cli('district', 'set', DOMAIN, '--proxy', 'none')
    assert.equal(none.code, 0, none.stdout)
  })

  it('reads ~ in --export-dir as the home folder', async () => {
    const set = await h.cli(
      'district',
      'set',
      DOMAIN,
      '--export-dir',
      '~/ascender-exports',
    )
    assert.equal(set.code, 0, set.stdout)
    const saved = JSON.parse(fs.readFileSync(settingsFile, 'utf8')).exportDir
    assert.equal(saved, path.join(os.homedir(), 'ascender-exports'))
  })

  it('still takes ordinary hosts and addresses', async () => {
    for (const host of ['localhost', '::1', '10.0.0.5', 'sftp.example.org.']) {
      const result = await h.cli('district', 'set', DOMAIN, '--host', host)
      assert.equal(result.code, 0, `${host}: ${result.stdout}`)
    }
    const back = await h.cli('district', 'set', DOMAIN, '--host', '127.0.0.1')
    assert.equal(back.code, 0)
  })

  it('refuses an empty --wait or --network-wait instead of a default', async () => {
    const result = await h.cli('status', DOMAIN, '--wait', '')
    assertRefused(result, 2, 'INVALID_INPUT')
    assert.match(String(result.json['message']), /--wait/)
    const night = await h.cli(
      'schedule',
      'nightly',
      DOMAIN,
      '--network-wait',
      '',
    )
    assertRefused(night, 2, 'INVALID_INPUT')
    assert.match(String(night.json['message']), /--network-wait/)
  })
})

describe('incomplete or contradictory commands', () => {
  it('says a command is missing instead of commander’s placeholder', async () => {
    const home = tempDir('sg-nocmd')
    for (const args of [[], ['district'], ['schedule']]) {
      const result = await cliInProcess(home, [...args, '--json'])
      assertRefused(result, 2, 'USAGE')
      assert.doesNotMatch(String(result.json['message']), /outputHelp/)
      assert.match(String(result.json['message']), /command is missing/)
    }
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('refuses a domain together with --all', async () => {
    const home = tempDir('sg-both')
    const result = await cliInProcess(home, [
      'status',
      'fooisd.org',
      '--all',
      '--json',
    ])
    assertRefused(result, 2, 'USAGE')
    assert.match(String(result.json['message']), /not both/)
    fs.rmSync(home, { recursive: true, force: true })
  })
})

describe('alert options', () => {
  it('refuses hex ports, empty recipients and empty numbers, writing nothing', async () => {
    const home = tempDir('sg-alert-opts')
    const cli = (...args: string[]) => cliInProcess(home, [...args, '--json'])
    const set = await cli(
      'alerts',
      'set',
      '--email',
      'on',
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      '2525',
      '--from',
      'alerts@esc.example.org',
      '--to',
      'tech@esc.example.org',
    )
    assert.equal(set.code, 0, set.stdout)
    const file = path.join(home, 'alerts.json')
    const saved = fs.readFileSync(file, 'utf8')

    for (const [flag, value] of [
      ['--smtp-port', '0x19'],
      ['--smtp-port', '25.0'],
      ['--to', ''],
      ['--stuck-hours', ''],
      ['--stagger-minutes', ' '],
    ] as const) {
      const result = await cli('alerts', 'set', flag, value)
      assertRefused(result, 2, 'INVALID_INPUT')
    }
    assert.equal(fs.readFileSync(file, 'utf8'), saved)
    fs.rmSync(home, { recursive: true, force: true })
  })
})
