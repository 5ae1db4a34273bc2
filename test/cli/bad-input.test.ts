import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { readRuns } from '../../main/services/run-history'
import { HomeLayout } from '../../main/services/home'
import { tempDir } from '../harness/cli'
import { cliInProcess } from '../harness/in-process-cli'
import { freePort } from '../harness/openssh-server'

const DOMAIN = 'barisd.org'

describe('bad input gets a clear message and the right exit code', () => {
  let home: string
  let exportDir: string
  let closedPort: number
  const cli = (...args: string[]) => cliInProcess(home, [...args, '--json'])

  before(async () => {
    home = tempDir('sg-bad')
    exportDir = tempDir('sg-bad-export')
    closedPort = await freePort()
    const added = await cli(
      'district',
      'add',
      DOMAIN,
      '--host',
      '127.0.0.1',
      '--port',
      String(closedPort),
      '--export-dir',
      exportDir,
    )
    assert.equal(added.code, 0)
    assert.equal(
      (await cli('key', 'generate', DOMAIN, '--type', 'ed25519')).code,
      0,
    )
  })
  after(() => {
    fs.rmSync(home, { recursive: true, force: true })
    fs.rmSync(exportDir, { recursive: true, force: true })
  })

  it('refuses an unknown district with exit 2', async () => {
    const result = await cli('upload', 'nosuch.org')
    assert.equal(result.code, 2)
    assert.equal(result.json['code'], 'UNKNOWN_DISTRICT')
    assert.equal(result.json['ok'], false)
    assert.match(String(result.json['whatToDo']), /district add/)
  })

  it('refuses invalid domains', async () => {
    for (const bad of [
      'foo bar.org',
      'localhost',
      'foo_isd.org',
      'x-.org',
      'a..org',
    ]) {
      const result = await cli('district', 'add', bad)
      assert.equal(result.code, 2, bad)
      assert.equal(result.json['code'], 'INVALID_DOMAIN')
    }
    assert.equal((await cli('district', 'add', '')).code, 2)
  })

  it('trims and lower-cases the domain, and refuses a second add', async () => {
    const result = await cli('district', 'add', '  BarISD.ORG ')
    assert.equal(result.code, 2)
    assert.equal(result.json['code'], 'DISTRICT_EXISTS')
  })

  it('refuses invalid option values without changing the district', async () => {
    const cases: [string, string][] = [
      ['--port', '70000'],
      ['--port', 'abc'],
      ['--cdn', '12345'],
      ['--cdn', '999001'],
      ['--at', '25:00'],
      ['--mode', 'fast'],
    ]
    for (const [flag, value] of cases) {
      const result = await cli('district', 'set', DOMAIN, flag, value)
      assert.equal(result.code, 2, `${flag} ${value}`)
      assert.equal(result.json['code'], 'INVALID_INPUT')
    }
    const shown = await cli('district', 'show', DOMAIN)
    const settings = shown.json['district'] as { port: number; at: string }
    assert.equal(settings.port, closedPort)
    assert.equal(settings.at, '02:00')
  })

  it('says when the export folder is missing (exit 7)', async () => {
    await cli(
      'district',
      'set',
      DOMAIN,
      '--export-dir',
      path.join(exportDir, 'gone'),
    )
    const result = await cli('upload', DOMAIN)
    assert.equal(result.code, 7)
    assert.equal(result.json['code'], 'NO_EXPORT_FOLDER')
    await cli('district', 'set', DOMAIN, '--export-dir', exportDir)
  })

  it('says when no file matches the pattern (exit 7)', async () => {
    fs.writeFileSync(path.join(exportDir, 'other.csv'), 'a,b\r\n')
    const result = await cli('upload', DOMAIN)
    assert.equal(result.code, 7)
    assert.equal(result.json['code'], 'NO_EXPORT_FILE')
    assert.match(String(result.json['message']), /TxEISStudent_\*\.txt/)
  })

  it('says when --file names a folder or a device, not a file', async () => {
    const folder = await cli('upload', DOMAIN, '--file', exportDir)
    assert.equal(folder.code, 7)
    assert.match(String(folder.json['message']), /is a folder/)
    const device = await cli('upload', DOMAIN, '--file', '/dev/null')
    assert.equal(device.code, 7)
    assert.match(String(device.json['message']), /not a regular file/)
  })

  it('refuses an empty export file and records the refusal', async () => {
    fs.writeFileSync(path.join(exportDir, 'TxEISStudent_015907.txt'), '')
    const result = await cli('upload', DOMAIN)
    assert.equal(result.code, 7)
    assert.equal(result.json['code'], 'EXPORT_EMPTY')

    const runs = await readRuns(new HomeLayout(home), DOMAIN)
    const last = runs[runs.length - 1]
    assert.equal(last?.result, 'refused')
    assert.equal(last?.code, 'EXPORT_EMPTY')
  })

  it('says the server refused the connection on a closed port (exit 3)', async () => {
    fs.writeFileSync(
      path.join(exportDir, 'TxEISStudent_015907.txt'),
      'a\tb\r\n1\t2\r\n',
    )
    const result = await cli('upload', DOMAIN)
    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'CONNECTION_REFUSED')

    const runs = await readRuns(new HomeLayout(home), DOMAIN)
    assert.equal(runs[runs.length - 1]?.result, 'failed')
  })

  it('says the name was not found, without a real DNS lookup (exit 3)', async () => {
    await cli(
      'district',
      'set',
      DOMAIN,
      '--host',
      'sftp.invalid-district.example',
    )
    const lookup = async (host: string): Promise<string> => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
      })
    }
    const result = await cliInProcess(home, ['check', DOMAIN, '--json'], {
      lookup,
    })
    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'DNS_NOT_FOUND')
    assert.match(String(result.json['details']), /ENOTFOUND/)
    await cli('district', 'set', DOMAIN, '--host', '127.0.0.1')
  })

  it('refuses a mistyped host key fingerprint before connecting', async () => {
    const result = await cli('check', DOMAIN, '--trust-host-key', 'nonsense')
    assert.equal(result.code, 2)
    assert.equal(result.json['code'], 'INVALID_INPUT')
    assert.match(String(result.json['message']), /SHA256:/)
    assert.equal(result.json['phases'], undefined, 'nothing was attempted')
  })

  it('refuses a district without a key (exit 2)', async () => {
    await cli(
      'district',
      'add',
      'nokey.org',
      '--host',
      '127.0.0.1',
      '--port',
      String(closedPort),
    )
    const result = await cli('check', 'nokey.org')
    assert.equal(result.code, 2)
    assert.equal(result.json['code'], 'NO_KEY')
  })

  it('reports usage errors as one JSON object', async () => {
    for (const args of [
      ['frobnicate'],
      ['district', 'add'],
      ['key', 'generate', DOMAIN, '--type', 'dsa'],
      ['upload'],
    ]) {
      const result = await cli(...args)
      assert.equal(result.code, 2, args.join(' '))
      assert.equal(result.json['ok'], false)
      assert.equal(typeof result.json['message'], 'string')
      assert.equal(result.json['exitCode'], 2)
    }
    const noHome = await cliInProcess(home, [
      'district',
      'list',
      '--json',
      '--home',
    ])
    assert.equal(noHome.code, 2)
    assert.equal(noHome.json['code'], 'USAGE')
  })

  it('accepts the global flags before or after the command', async () => {
    const before = await cliInProcess(home, ['--json', 'district', 'list'])
    const afterCmd = await cliInProcess(home, ['district', 'list', '--json'])
    assert.deepEqual(before.json, afterCmd.json)
    assert.equal(before.json['ok'], true)
  })

  it('prints plain errors on stderr with what to do', async () => {
    const result = await cliInProcess(home, ['upload', 'nosuch.org'])
    assert.equal(result.code, 2)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^Error: .*nosuch\.org/m)
    assert.match(result.stderr, /^What to do: /m)
  })

  it('removes a district but keeps its keys in the archive', async () => {
    await cli('district', 'add', 'gone.org')
    await cli('key', 'generate', 'gone.org', '--type', 'ed25519')
    const removed = await cli('district', 'remove', 'gone.org')
    assert.equal(removed.code, 0)
    const archived = String(removed.json['archivedTo'])
    assert.ok(fs.existsSync(path.join(archived, 'keys', 'id_ed25519')))
    assert.equal((await cli('district', 'show', 'gone.org')).code, 2)
  })
})
