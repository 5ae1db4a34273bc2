import path from 'node:path'
import fs from 'node:fs'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import type { KeyWaitTick } from '../../shared/reports'
import { AppError } from '../../shared/errors'
import { RecordingDesktop } from '../../main/ipc/desktop'
import { createContext } from '../../main/services/context'
import { waitForKey } from '../../main/services/key-sync-wait'
import { CLI_BIN } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { failOnStrayErrors, homeWithDistrict } from './helpers'

const DOMAIN = 'fooisd.org'

failOnStrayErrors()

describe(
  'waiting for SameGoal to install the key',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let sshd: SshdServer
    before(async () => {
      sshd = await startSshd({ accounts: [DOMAIN] })
    })
    after(() => sshd?.stop())

    it('keeps trying, counts down, and notifies once the key appears', async () => {
      const { home, publicKey } = await homeWithDistrict(
        DOMAIN,
        '127.0.0.1',
        sshd.port,
      )
      const desktop = new RecordingDesktop()
      const ticks: KeyWaitTick[] = []

      const report = await waitForKey(createContext(home), DOMAIN, {
        windowMs: 30_000,
        intervalMs: 1000,
        trust: { firstUse: true },
        desktop,
        onTick: (tick) => {
          // SameGoal installs the key while the second attempt is awaited.
          if (tick.attempt === 2 && ticks.every((t) => t.attempt < 2))
            sshd.authorize(DOMAIN, publicKey)
          ticks.push(tick)
        },
      })

      assert.equal(report.domain, DOMAIN)
      assert.ok(ticks.length >= 2)
      assert.ok(ticks.every((t) => t.lastCode === 'AUTH_REFUSED'))
      assert.ok(ticks.every((t) => t.secondsLeft <= 30))
      assert.equal(desktop.notifications.length, 1)
      assert.match(desktop.notifications[0]?.body ?? '', /fooisd\.org/)
    })

    it('gives up after the window with the advice to email SameGoal', async () => {
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port)
      const ctx = createContext(home)
      const fingerprint = (await ctx.store.get(DOMAIN)).key?.sha256 ?? ''
      const desktop = new RecordingDesktop()

      const outcome = await waitForKey(ctx, DOMAIN, {
        windowMs: 2500,
        intervalMs: 1000,
        trust: { firstUse: true },
        desktop,
      }).catch((error: unknown) => error)

      assert.ok(outcome instanceof AppError, String(outcome))
      assert.equal(outcome.code, 'KEY_WAIT_EXPIRED')
      assert.equal(outcome.exitCode, 5)
      assert.ok(outcome.message.includes(fingerprint), outcome.message)
      assert.match(outcome.message, /tier2help@samegoal\.com/)
      assert.ok(Number(outcome.extra?.['attempts']) >= 3)
      assert.deepEqual(desktop.notifications, [])
    })

    it('check --wait-for-key succeeds once the key is installed', async () => {
      const { home, publicKey } = await homeWithDistrict(
        DOMAIN,
        '127.0.0.1',
        sshd.port,
      )
      const child = spawn(
        process.execPath,
        [
          CLI_BIN,
          '--home',
          home,
          'check',
          DOMAIN,
          '--trust-on-first-use',
          '--wait-for-key',
          '0.5',
          '--retry-every',
          '1',
          '--json',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        if (/attempt 2/.test(stderr)) sshd.authorize(DOMAIN, publicKey)
      })
      const code = await new Promise<number | null>((resolve) =>
        child.once('close', resolve),
      )

      assert.equal(code, 0, `${stdout}\n${stderr}`)
      assert.match(stderr, /Key refused \(attempt 1, AUTH_REFUSED\)/)
      const json = JSON.parse(stdout) as Record<string, unknown>
      assert.equal(json['ok'], true)
      // Trusted on the first attempt, which the refused login did not undo.
      const settings = JSON.parse(
        fs.readFileSync(
          path.join(home, 'districts', DOMAIN, 'district.json'),
          'utf8',
        ),
      ) as { hostKey?: { sha256: string } }
      assert.equal(settings.hostKey?.sha256, sshd.hostKeySha256())
    })
  },
)
