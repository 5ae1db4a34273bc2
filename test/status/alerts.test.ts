import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { SMTPServer } from 'smtp-server'
import { toErrorData, AppError } from '../../shared/errors'
import { updateAlertSettings } from '../../main/services/alert-settings'
import { alertRunFailure, fleetAlerts } from '../../main/services/alerts'
import { createContext } from '../../main/services/context'
import { runNightly } from '../../main/services/schedule/nightly-run'
import { memoryLogger } from './memory-logger'
import { appendRun } from '../../main/services/run-history'
import { tempDir } from '../harness/cli'
import { cliInProcess } from '../harness/in-process-cli'

const PASSWORD = 's3cret-smtp-pass'

describe('alerts by desktop notification and email', () => {
  let smtp: SMTPServer
  let port: number
  let home: string
  const received: { to: string[]; text: string }[] = []

  before(async () => {
    home = tempDir('sg-alerts')
    smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) =>
        auth.username === 'esc' && auth.password === PASSWORD
          ? callback(null, { user: 'esc' })
          : callback(new Error('bad login')),
      onData: (stream, session, callback) => {
        let text = ''
        stream.on('data', (d: Buffer) => (text += d.toString()))
        stream.on('end', () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            text,
          })
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    port = (smtp.server.address() as { port: number }).port
  })
  after(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    fs.rmSync(home, { recursive: true, force: true })
  })

  const failure = toErrorData(
    new AppError('NO_EXPORT_FILE', 'No file matching TxEISStudent_*.txt.'),
  )

  it('sends no email while email alerts are off (the default)', async () => {
    const sent = await alertRunFailure(
      createContext(home),
      'fooisd.org',
      failure,
    )
    assert.equal(sent.sent, false)
    assert.equal(received.length, 0)
  })

  it('emails a failed run through the SMTP server, never logging the password', async () => {
    const { log, lines } = memoryLogger()
    const ctx = createContext(home, { log })
    await updateAlertSettings(ctx.layout, (s) => ({
      ...s,
      email: {
        enabled: true,
        host: '127.0.0.1',
        port,
        secure: false,
        user: 'esc',
        password: PASSWORD,
        from: 'uploads@esc.example',
        to: ['tech@esc.example'],
      },
    }))

    const sent = await alertRunFailure(ctx, 'fooisd.org', failure)
    assert.equal(sent.sent, true, JSON.stringify(sent.error))
    assert.equal(received.length, 1)
    assert.deepEqual(received[0]?.to, ['tech@esc.example'])
    assert.match(received[0]?.text ?? '', /fooisd\.org/)
    assert.match(received[0]?.text ?? '', /NO_EXPORT_FILE/)
    assert.ok(!lines.join('\n').includes(PASSWORD))
  })

  it('the scheduled nightly run emails its own failure', async () => {
    const ctx = createContext(home)
    await ctx.store.add('nightisd.org', { host: '127.0.0.1', port: 9 })
    const before = received.length

    await assert.rejects(
      runNightly(ctx, 'nightisd.org'),
      (e: Error & { code?: string }) => e.code === 'NO_EXPORT_FOLDER',
    )
    assert.equal(received.length, before + 1)
    assert.match(received.at(-1)?.text ?? '', /nightisd\.org/)
    assert.match(received.at(-1)?.text ?? '', /NO_EXPORT_FOLDER/)
  })

  it('mails the districts that need attention from status --all --alert', async () => {
    const ctx = createContext(home)
    await ctx.store.add('brokenisd.org', { name: 'Broken ISD' })
    await appendRun(ctx.layout, {
      id: 'run-1',
      domain: 'brokenisd.org',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: 10,
      result: 'refused',
      mode: 'epoch',
      code: 'NO_EXPORT_FILE',
      message: 'No export file was found.',
    })
    const before = received.length

    const result = await cliInProcess(home, [
      'status',
      '--all',
      '--alert',
      '--json',
    ])
    assert.equal(result.code, 12)
    assert.equal(result.json['emailed'], true)
    assert.equal(received.length, before + 1)
    assert.match(received.at(-1)?.text ?? '', /Broken ISD: last night failed/)

    const logs = path.join(home, 'logs')
    for (const name of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
      const file = path.join(logs, name)
      if (fs.statSync(file).isFile())
        assert.ok(!fs.readFileSync(file, 'utf8').includes(PASSWORD))
    }
    const shown = await cliInProcess(home, ['alerts', 'show', '--json'])
    assert.ok(!shown.stdout.includes(PASSWORD), 'the password is never shown')
    const changed = await cliInProcess(home, [
      'alerts',
      'set',
      '--stale-hours',
      '48',
      '--email',
      'off',
      '--json',
    ])
    const alerts = changed.json['alerts'] as {
      staleAfterHours: number
      email: { enabled: boolean; password: string }
    }
    assert.equal(alerts.staleAfterHours, 48)
    assert.equal(alerts.email.enabled, false)
    assert.equal(alerts.email.password, '(set)')
    // With email off, --alert says why nothing was sent.
    const off = await cliInProcess(home, ['status', '--all', '--alert'])
    assert.match(off.stdout, /No alert email sent: email alerts are off/)
    assert.equal(received.length, before + 1)
    await updateAlertSettings(ctx.layout, (s) => ({
      ...s,
      email: s.email ? { ...s.email, enabled: true } : undefined,
    }))
  })

  it('reports a refused login as ALERT_EMAIL_FAILED without the password', async () => {
    const { log, lines } = memoryLogger()
    const ctx = createContext(home, { log })
    await updateAlertSettings(ctx.layout, (s) => ({
      ...s,
      email: s.email ? { ...s.email, password: 'wrong-pass' } : undefined,
    }))
    const sent = await alertRunFailure(ctx, 'fooisd.org', failure)
    assert.equal(sent.sent, false)
    assert.equal(sent.error?.code, 'ALERT_EMAIL_FAILED')
    assert.ok(!JSON.stringify(sent.error).includes('wrong-pass'))
    assert.ok(!lines.join('\n').includes('wrong-pass'))
  })

  it('turns failed and stale districts into desktop notifications', () => {
    const base = { stale: false, at: '02:00', nextRun: '2026-11-08T08:00:00Z' }
    const alerts = fleetAlerts({
      checkedAt: '2026-11-07T10:00:00Z',
      probed: true,
      staleAfterHours: 36,
      counts: {
        unreachable: 0,
        failed: 1,
        stuck: 0,
        stale: 1,
        problems: 0,
        pending: 0,
        ok: 1,
        new: 0,
      },
      districts: [
        {
          ...base,
          domain: 'a.org',
          name: 'A ISD',
          state: 'failed',
          message: 'SameGoal could not process it.',
        },
        {
          ...base,
          domain: 'b.org',
          name: 'B ISD',
          state: 'stale',
          stale: true,
        },
        { ...base, domain: 'c.org', name: 'C ISD', state: 'ok' },
      ],
    })
    assert.deepEqual(
      alerts.map((a) => a.title),
      ['A ISD: last night failed', 'B ISD: no processed upload recently'],
    )
  })
})
