import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createContext } from '../../main/services/context'
import { browserSkipReason, openWizard, type Wizard } from '../harness/browser'
import { PROJECT_ROOT, runCliProcess, tempDir } from '../harness/cli'
import {
  cronRunning,
  cronSkipReason,
  ensureCron,
  type CronDaemon,
} from '../harness/cron-daemon'
import { installSchedule } from '../../main/services/schedule/service'

// A domain no other test uses: this file edits the real crontab.
const DOMAIN = 'schedule-cron-check.org'
const OTHER_JOBS =
  "# someone else's job\n17 4 * * * /bin/true 50\\% # keep me\n"

function crontab(
  args: string[],
  input?: string,
): { code: number; stdout: string } {
  const result = spawnSync('crontab', args, {
    input: input ?? '',
    encoding: 'utf8',
  })
  return { code: result.status ?? -1, stdout: result.stdout ?? '' }
}

function hasCrontab(): boolean {
  return spawnSync('crontab', ['-l'], { encoding: 'utf8' }).error === undefined
}

/** The command part of our crontab line, as cron hands it to /bin/sh. */
function cronCommand(table: string): { line: string; command: string } {
  const lines = table.split('\n')
  const start = lines.indexOf(`# BEGIN samegoal-ascender ${DOMAIN}`)
  const line = lines.slice(start + 1).find((l) => !l.startsWith('#')) ?? ''
  const match = /^\d+ \d+ \* \* \* (.*)$/.exec(line)
  assert.ok(match, `a cron line in:\n${table}`)
  return { line, command: (match[1] ?? '').replace(/\\%/g, '%') }
}

describe(
  'the nightly run in the real crontab',
  {
    skip:
      (!hasCrontab() && 'needs the crontab command (Debian cron)') ||
      cronSkipReason(),
  },
  () => {
    let saved: string | undefined
    let root: string
    let home: string
    let cron: CronDaemon
    const cli = (...args: string[]) => runCliProcess(home, [...args, '--json'])

    before(async () => {
      cron = await ensureCron()
      const current = crontab(['-l'])
      saved = current.code === 0 ? current.stdout : undefined
      assert.equal(crontab(['-'], OTHER_JOBS).code, 0)

      root = tempDir('sg-cron')
      // The home has every character a crontab line makes hard, % included.
      home = path.join(root, "O'Brien & Søn 100% home")
      const added = await cli(
        'district',
        'add',
        DOMAIN,
        '--at',
        '03:15',
        '--host',
        '127.0.0.1',
        '--export-dir',
        path.join(root, 'no such folder'),
      )
      assert.equal(added.code, 0, added.stdout)
    })
    after(async () => {
      if (saved === undefined) crontab(['-r'])
      else crontab(['-'], saved)
      fs.rmSync(root, { recursive: true, force: true })
      await cron?.stop()
    })

    it('refuses to register while cron is not running, and writes nothing', async (t) => {
      if (!cron.ours) {
        t.skip('the machine’s own cron is running; it is not stopped here')
        return
      }
      await cron.stop()
      try {
        assert.equal(cronRunning(), false)
        const refused = await cli(
          'schedule',
          'install',
          DOMAIN,
          '--backend',
          'cron',
        )
        assert.equal(refused.code, 11, refused.stdout)
        assert.equal(refused.json['code'], 'SCHEDULER_UNAVAILABLE')
        assert.match(
          String(refused.json['message']),
          /cron service is not running/,
        )
        assert.match(
          String(refused.json['message']),
          /systemctl enable --now cron/,
        )
        assert.equal(crontab(['-l']).stdout, OTHER_JOBS)
        assert.equal(
          (await createContext(home).store.get(DOMAIN)).scheduled,
          undefined,
        )
      } finally {
        await cron.start()
      }
    })

    it('install adds one block between markers and leaves other jobs alone', async () => {
      const installed = await cli(
        'schedule',
        'install',
        DOMAIN,
        '--backend',
        'cron',
      )
      assert.equal(installed.code, 0, installed.stdout)
      const view = installed.json['schedule'] as Record<string, unknown>
      assert.equal(view['backend'], 'cron')
      assert.equal(view['installed'], true)
      assert.equal(view['registeredProgram'], process.execPath)
      assert.equal(view['needsRepair'], false)

      const table = crontab(['-l']).stdout
      assert.ok(table.startsWith(OTHER_JOBS), table)
      assert.equal(table.split(`# BEGIN samegoal-ascender ${DOMAIN}`).length, 2)
      assert.match(cronCommand(table).line, /^15 3 \* \* \* /)
    })

    it('the registered command runs with a bare environment from another folder and exits with the run\u2019s code', () => {
      const { command } = cronCommand(crontab(['-l']).stdout)
      const run = spawnSync(
        '/bin/sh',
        ['-c', `cd / && /usr/bin/env -i /bin/sh -c "$0"`, command],
        { cwd: '/', env: {}, encoding: 'utf8' },
      )
      assert.equal(run.status, 7, run.stderr)

      const cronLog = fs.readFileSync(
        path.join(home, 'logs', `cron-${DOMAIN}.log`),
        'utf8',
      )
      assert.match(cronLog, /export folder/i)
      const runLogs = fs.readdirSync(path.join(home, 'logs', 'runs'))
      assert.ok(
        runLogs.some((name) => name.startsWith(DOMAIN)),
        runLogs.join(', '),
      )
      const history = fs.readFileSync(
        path.join(home, 'districts', DOMAIN, 'history.jsonl'),
        'utf8',
      )
      assert.match(history, /"code":"NO_EXPORT_FOLDER"/)
    })

    it('an install folder with an apostrophe, ampersand and non-ASCII letters runs too', async () => {
      // The checkout seen through a hostile path: the same files, linked.
      const app = path.join(root, 'opt', "O'Brien & Søn", 'App 100%')
      fs.mkdirSync(app, { recursive: true })
      for (const name of ['bin', 'dist', 'node_modules', 'package.json'])
        fs.symlinkSync(path.join(PROJECT_ROOT, name), path.join(app, name))
      const cliScript = path.join(app, 'bin', 'samegoal-ascender.mjs')

      const view = await installSchedule(createContext(home), DOMAIN, {
        linuxBackend: 'cron',
        location: { nodePath: process.execPath, cliScript },
      })
      assert.equal(view.command.args[0], cliScript)
      const saved = await createContext(home).store.get(DOMAIN)
      assert.equal(
        saved.scheduled?.backend,
        'cron',
        'the fleet can promise a run',
      )
      const { command } = cronCommand(crontab(['-l']).stdout)
      assert.ok(command.includes("O'\\''Brien & Søn/App 100%"), command)

      const run = spawnSync(
        '/bin/sh',
        ['-c', `cd / && /usr/bin/env -i /bin/sh -c "$0"`, command],
        { cwd: '/', env: {}, encoding: 'utf8' },
      )
      assert.equal(run.status, 7, run.stderr)
    })

    it('show reports the last run from the history and the next run', async () => {
      const shown = await cli('schedule', 'show', DOMAIN, '--backend', 'cron')
      const view = shown.json['schedule'] as Record<string, unknown>
      assert.equal(view['lastResult'], 'refused (NO_EXPORT_FOLDER)')
      assert.match(String(view['nextRunAt']), /^\d{4}-\d{2}-\d{2}T/)
    })

    it('a new time or a vanished program is noticed, and install repairs it in place', async () => {
      assert.equal(
        (await cli('district', 'set', DOMAIN, '--at', '04:20')).code,
        0,
      )
      let view = (await cli('schedule', 'show', DOMAIN, '--backend', 'cron'))
        .json['schedule'] as Record<string, unknown>
      assert.equal(view['registeredAt'], '03:15')
      assert.equal(view['needsRepair'], true)

      const table = crontab(['-l']).stdout
      const moved = table.replace(`'${process.execPath}'`, "'/opt/gone/node'")
      assert.equal(crontab(['-'], moved).code, 0)
      view = (await cli('schedule', 'show', DOMAIN, '--backend', 'cron')).json[
        'schedule'
      ] as Record<string, unknown>
      assert.equal(view['programMissing'], true)
      assert.equal(view['registeredProgram'], '/opt/gone/node')

      assert.equal(
        (await cli('schedule', 'install', DOMAIN, '--backend', 'cron')).code,
        0,
      )
      const repaired = crontab(['-l']).stdout
      assert.equal(
        repaired.split(`# BEGIN samegoal-ascender ${DOMAIN}`).length,
        2,
      )
      assert.match(cronCommand(repaired).line, /^20 4 \* \* \* /)
      assert.ok(repaired.startsWith(OTHER_JOBS))
    })

    it('run-now runs the registered command and passes its exit code on', async () => {
      const ran = await cli('schedule', 'run-now', DOMAIN)
      assert.equal(ran.code, 7, ran.stdout)
      assert.equal(ran.json['ok'], false)
      assert.equal(ran.json['exitCode'], 7)
      assert.equal(ran.json['program'], process.execPath)
      assert.match(
        String(ran.json['output']),
        /NO_EXPORT_FOLDER|export folder/i,
      )
      // The same failure fields as any other command's.
      assert.equal(ran.json['code'], 'NO_EXPORT_FOLDER')
      assert.match(String(ran.json['message']), /export folder/i)
      assert.equal(typeof ran.json['title'], 'string')
      assert.equal(typeof ran.json['whatToDo'], 'string')
    })

    it('schedule remove forgets the registration, install brings it back', async () => {
      assert.equal(
        (await cli('schedule', 'remove', DOMAIN, '--backend', 'cron')).code,
        0,
      )
      assert.equal(
        (await createContext(home).store.get(DOMAIN)).scheduled,
        undefined,
      )
      assert.equal(
        (await cli('schedule', 'install', DOMAIN, '--backend', 'cron')).code,
        0,
      )
      assert.ok((await createContext(home).store.get(DOMAIN)).scheduled)
    })

    it('removing the district removes its block and nothing else', async () => {
      const removed = await cli('district', 'remove', DOMAIN)
      assert.equal(removed.code, 0, removed.stdout)
      assert.equal(removed.json['scheduleRemoved'], true)
      assert.equal(crontab(['-l']).stdout, OTHER_JOBS)
    })
  },
)

describe('a systemd user timer', () => {
  const manager = spawnSync('systemctl', ['--user', 'show-environment'], {
    encoding: 'utf8',
  })
  const reason = manager.error
    ? 'systemctl is not installed'
    : manager.status !== 0
      ? 'no systemd user manager runs in this environment'
      : false
  let root: string
  let home: string
  const domain = 'schedule-timer-check.org'

  before(async () => {
    root = tempDir('sg-systemd')
    home = path.join(root, "O'Brien & Søn $HOME 100%")
    await runCliProcess(home, ['district', 'add', domain, '--at', '01:30'])
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('catches up a missed night and keeps odd paths literal', async () => {
    const shown = await runCliProcess(home, [
      'schedule',
      'show',
      domain,
      '--platform',
      'linux',
      '--backend',
      'systemd',
      '--json',
    ])
    const files = shown.json['files'] as { name: string; content: string }[]
    const timer = files.find((f) => f.name.endsWith('.timer'))?.content ?? ''
    const service =
      files.find((f) => f.name.endsWith('.service'))?.content ?? ''
    assert.match(timer, /^Persistent=true$/m)
    assert.match(timer, /^OnCalendar=\*-\*-\* 01:30:00$/m)
    // systemd would expand % and $ in these lines: both are doubled.
    assert.ok(
      service.includes(
        `"--home" "${home.replace('%', '%%').replace('$', () => '$$')}"`,
      ),
      service,
    )
    assert.match(service, /^ExecStart="\//m)
  })

  it(
    'is installed and enabled where a user manager runs',
    { skip: reason },
    async () => {
      const installed = await runCliProcess(home, [
        'schedule',
        'install',
        domain,
        '--backend',
        'systemd',
        '--json',
      ])
      assert.equal(installed.code, 0, installed.stdout)
      const enabled = spawnSync(
        'systemctl',
        ['--user', 'is-enabled', `samegoal-ascender-${domain}.timer`],
        { encoding: 'utf8' },
      )
      assert.equal(enabled.stdout.trim(), 'enabled')
      assert.equal(
        (
          await runCliProcess(home, [
            'schedule',
            'remove',
            domain,
            '--backend',
            'systemd',
          ])
        ).code,
        0,
      )
    },
  )
})

// In this file so that no two tests edit the real crontab at once.
describe(
  'the schedule in wizard step 4',
  {
    skip:
      (!hasCrontab() && 'needs the crontab command (Debian cron)') ||
      cronSkipReason() ||
      browserSkipReason(),
  },
  () => {
    const domain = 'schedule-wizard-check.org'
    let saved: string | undefined
    let root: string
    let wizard: Wizard
    let cron: CronDaemon

    before(async () => {
      cron = await ensureCron()
      const current = crontab(['-l'])
      saved = current.code === 0 ? current.stdout : undefined
      // No crontab at all: removing the only block must leave none.
      crontab(['-r'])
      root = tempDir('sg-wizard')
      const home = path.join(root, "O'Brien & Søn home")
      await createContext(home).store.add(domain, {
        name: 'Schedule ISD',
        at: '05:10',
        host: '127.0.0.1',
        exportDir: path.join(root, 'no exports'),
      })
      wizard = await openWizard({ home })
    })
    after(async () => {
      await wizard?.close()
      if (saved === undefined) crontab(['-r'])
      else crontab(['-'], saved)
      fs.rmSync(root, { recursive: true, force: true })
      await cron?.stop()
    })

    it('installs, shows, runs as the scheduler would, and removes the nightly run', async () => {
      const { page } = wizard
      await page
        .getByRole('complementary', { name: 'Districts' })
        .getByRole('button', { name: /Schedule ISD/ })
        .click()
      await page
        .getByRole('navigation', { name: 'Setup steps' })
        .getByRole('button', { name: /Nightly upload/ })
        .click()
      const part = page.getByRole('region', { name: 'Nightly schedule' })
      const facts = part.getByTestId('schedule-facts')
      await facts.getByText('No', { exact: true }).waitFor()

      await part
        .getByRole('button', { name: 'Install nightly schedule' })
        .click()
      await facts.getByText(/^Yes \(cron/).waitFor()
      assert.match(crontab(['-l']).stdout, /^10 5 \* \* \* /m)
      await part
        .getByText(/cron service is not running|does not catch up/)
        .first()
        .waitFor()

      await part
        .getByRole('button', { name: 'Run now as the scheduler would' })
        .click()
      await part
        .getByTestId('scheduled-run-result')
        .getByText(/failed with exit code 7/)
        .waitFor()
      await part
        .getByTestId('scheduled-run-result')
        .getByText(/export folder/i)
        .first()
        .waitFor()
      await facts.getByText(/refused \(NO_EXPORT_FOLDER\)/).waitFor()

      await part.getByRole('button', { name: 'Remove schedule' }).click()
      await facts.getByText('No', { exact: true }).waitFor()
      const left = spawnSync('crontab', ['-l'], { encoding: 'utf8' })
      assert.notEqual(left.status, 0, `a crontab was left: ${left.stdout}`)
      assert.match(left.stderr, /no crontab/i)
    })
  },
)
