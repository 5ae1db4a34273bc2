import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import SftpClient from 'ssh2-sftp-client'
import { runCliProcess, tempDir } from '../harness/cli'
import { startSandbox, type SandboxProcess } from './sandbox-process'

const DOMAIN = 'rehearsal-isd.example'
const SYNC_SECONDS = 5

describe('the practice server, driven through the CLI', () => {
  let home: string
  let sandbox: SandboxProcess
  const cli = (...args: string[]) => runCliProcess(home, [...args, '--json'])
  const account = () => path.join(home, 'practice', DOMAIN)
  const serve = () =>
    startSandbox(home, [
      '--sync-delay',
      String(SYNC_SECONDS),
      '--process-delay',
      '0.2',
    ])

  before(async () => {
    home = tempDir('sg-sandbox-home')
    sandbox = await startSandbox(home, [
      '--port',
      '0',
      '--sync-delay',
      String(SYNC_SECONDS),
      '--process-delay',
      '0.2',
    ])
  })
  after(async () => {
    await sandbox?.stop()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('walks the five steps: a key works only after the sync delay', async () => {
    const added = await cli('sandbox', 'add', DOMAIN, '--name', 'Rehearsal')
    assert.equal(added.code, 0, added.stdout)
    const district = added.json['district'] as Record<string, unknown>
    assert.equal(district['practice'], true)
    assert.equal(district['port'], sandbox.port)

    const key = await cli('key', 'generate', DOMAIN, '--type', 'ed25519')
    assert.equal(key.code, 0, key.stdout)
    const sent = await cli('sandbox', 'send-key', DOMAIN)
    assert.equal(sent.code, 0, sent.stdout)
    const usableAt =
      Date.parse(String(sent.json['deliveredAt'])) + SYNC_SECONDS * 1000

    const early = await cli('check', DOMAIN, '--trust-on-first-use')
    assert.ok(Date.now() < usableAt, 'the early check came too late to test')
    assert.equal(early.code, 5, early.stdout)
    assert.equal(early.json['code'], 'AUTH_REFUSED')
    assert.match(sandbox.log(), /key not synced yet/)

    await new Promise((r) => setTimeout(r, usableAt - Date.now() + 100))
    const checked = await cli('check', DOMAIN, '--trust-on-first-use')
    assert.equal(checked.code, 0, checked.stdout)
    // The early check trusted the host key on first use; its refused
    // login did not undo that, so this one only verifies it.
    assert.equal(checked.json['hostKeyPinned'], 'existing')

    const upload = await cli('upload', DOMAIN)
    assert.equal(upload.code, 0, upload.stdout)
    const epoch = String(upload.json['epoch'])

    const status = await cli('status', DOMAIN, '--wait', '30')
    assert.equal(status.code, 0, status.stdout)
    const done = path.join(account(), 'upload-processed', epoch)
    assert.deepEqual(fs.readdirSync(done).sort(), [
      'COMPLETE',
      'TxEISStudent_015907.txt',
      'guardians.csv',
      'students.csv',
    ])
    assert.ok(!fs.existsSync(path.join(account(), 'upload', epoch)))
  })

  it('sends a practice key with "key email" instead of drafting mail', async () => {
    const other = 'email-practice.example'
    assert.equal((await cli('sandbox', 'add', other)).code, 0)
    const key = await cli('key', 'generate', other, '--type', 'ed25519')

    const sent = await cli('key', 'email', other)
    assert.equal(sent.code, 0, sent.stdout)
    assert.equal(sent.json['practice'], true)
    const keys = fs.readFileSync(
      path.join(home, 'practice', other, 'authorized_keys'),
      'utf8',
    )
    assert.ok(keys.includes(String(key.json['publicKey'])))
    const keysDir = path.join(home, 'districts', other, 'keys')
    assert.deepEqual(
      fs.readdirSync(keysDir).filter((f) => f.endsWith('.eml')),
      [],
    )
  })

  it('keeps its host key across a restart', async () => {
    const before = fs.readFileSync(path.join(home, 'practice', 'host_key'))
    await sandbox.stop()
    sandbox = await serve()

    const checked = await cli('check', DOMAIN)
    assert.equal(checked.code, 0, checked.stdout)
    assert.equal(checked.json['hostKeyPinned'], 'existing')
    assert.deepEqual(
      fs.readFileSync(path.join(home, 'practice', 'host_key')),
      before,
    )
  })

  it('confines the account: no way out, /upload-processed read-only', async () => {
    const key = await cli('key', 'show', DOMAIN)
    const sftp = new SftpClient()
    await sftp.connect({
      host: '127.0.0.1',
      port: sandbox.port,
      username: DOMAIN,
      privateKey: fs.readFileSync(String(key.json['privateKeyFile'])),
    })
    try {
      const top = (await sftp.list('/')).map((e) => e.name).sort()
      assert.deepEqual(top, ['upload', 'upload-processed'])

      for (const outside of [
        '/../../../etc/passwd',
        '../authorized_keys',
        '/upload/../../host_key',
        '/authorized_keys',
      ]) {
        await assert.rejects(sftp.get(outside), `${outside} was readable`)
      }

      const [processed] = await sftp.list('/upload-processed')
      const epoch = `/upload-processed/${processed?.name ?? '-'}`
      await assert.rejects(sftp.put(Buffer.from('x'), `${epoch}/extra.txt`))
      await assert.rejects(sftp.mkdir('/upload-processed/19990101-000000'))
      await assert.rejects(sftp.delete(`${epoch}/students.csv`))
      await assert.rejects(sftp.rename(epoch, '/upload/moved'))
      await assert.rejects(sftp.mkdir('/elsewhere'))
      assert.deepEqual((await sftp.list(epoch)).map((e) => e.name).sort(), [
        'COMPLETE',
        'TxEISStudent_015907.txt',
        'guardians.csv',
        'students.csv',
      ])
    } finally {
      await sftp.end()
    }
  })

  it('never schedules a practice district', async () => {
    const scheduled = await cli('schedule', 'install', DOMAIN)
    assert.equal(scheduled.code, 2, scheduled.stdout)
    assert.equal(scheduled.json['code'], 'PRACTICE_NOT_SCHEDULED')

    // Nor does show suggest installing it.
    const shown = await runCliProcess(home, ['schedule', 'show', DOMAIN])
    assert.doesNotMatch(shown.stdout, /Install it with/)
    assert.match(shown.stdout, /practice district: it is never scheduled/)
  })

  it('says a practice key is never drafted as an email, even with --out', async () => {
    const out = path.join(home, 'practice-draft.eml')
    const sent = await cli('key', 'email', DOMAIN, '--out', out)
    assert.equal(sent.code, 0, sent.stdout)
    assert.equal(fs.existsSync(out), false)
    assert.match(String(sent.json['notes']), /never emailed to SameGoal/)
  })

  it('refuses to point a practice district at the real server', async () => {
    const moved = await cli(
      'district',
      'set',
      DOMAIN,
      '--host',
      'sftp.samegoal.com',
    )
    assert.equal(moved.code, 2, moved.stdout)
    assert.equal(moved.json['code'], 'PRACTICE_REAL_HOST')

    const shown = await cli('district', 'show', DOMAIN)
    const district = shown.json['district'] as { host: string }
    assert.equal(district.host, '127.0.0.1')
  })
})
