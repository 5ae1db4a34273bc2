import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { XMLParser } from 'fast-xml-parser'
import { parse } from 'plist'
import { AppError } from '../../shared/errors'
import { createContext, type ServiceContext } from '../../main/services/context'
import {
  installSchedule,
  removeSchedule,
  showSchedule,
  type ScheduleOptions,
} from '../../main/services/schedule/service'
import { tempDir } from '../harness/cli'
import { makeStandIns, type StandIns } from './stand-in-tools'

const DOMAIN = 'fooisd.org'
const WIN_EXE =
  "C:\\Program Files\\O'Brien & Søn\\SameGoal Ascender Connector.exe"
const MAC_EXE =
  "/Applications/O'Brien & Søn.app/Contents/MacOS/SameGoal Ascender Connector"

const QUERY = `
Folder: \\SameGoal Ascender
HostName:                             ESC-PC
TaskName:                             \\SameGoal Ascender\\fooisd.org
Next Run Time:                        12/4/2026 2:00:00 AM
Status:                               Ready
Logon Mode:                           Interactive/Background
Last Run Time:                        12/3/2026 2:00:03 AM
Last Result:                          LAST_RESULT
Author:                               ESC\\tech
Task To Run:                          "${WIN_EXE}" --headless schedule nightly fooisd.org --home "C:\\Users\\tech\\AppData\\Roaming\\SameGoal Ascender"
Start In:                             C:\\Users\\tech\\AppData\\Roaming\\SameGoal Ascender
Scheduled Task State:                 Enabled
Run As User:                          tech
Start Time:                           2:00:00 AM
`

async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
): Promise<AppError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, got success`),
    (caught: unknown) => caught,
  )
  assert.ok(error instanceof AppError, String(error))
  assert.equal(error.code, code, error.message)
  return error
}

describe('Task Scheduler through a schtasks stand-in', () => {
  let root: string
  let tools: StandIns
  let ctx: ServiceContext
  let options: ScheduleOptions
  const existing = new Set([WIN_EXE])

  before(async () => {
    root = tempDir('sg-win')
    tools = makeStandIns(path.join(root, 'bin'))
    ctx = createContext(path.join(root, "O'Brien & Søn home"))
    await ctx.store.add(DOMAIN, { at: '02:00' })
    options = {
      platform: 'windows',
      local: true,
      location: { packagedExecutable: WIN_EXE, nodePath: '', cliScript: '' },
      fileExists: (file) => existing.has(file),
      windows: { userId: 'ESC\\tech', logonType: 'S4U' },
      host: { runner: tools.runner, tempDir: root },
    }
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('says so when the account may not register tasks, instead of reporting success', async () => {
    tools.setMode('schtasks', 'access-denied')
    const error = await rejectsWith(
      installSchedule(ctx, DOMAIN, options),
      'SCHEDULE_ACCESS_DENIED',
    )
    assert.equal(error.exitCode, 11)
    assert.match(error.details ?? '', /Access is denied/)
  })

  it('names the logon problem when the task could not run while logged off', async () => {
    tools.setMode('schtasks', 'batch-right')
    await rejectsWith(
      installSchedule(ctx, DOMAIN, options),
      'SCHEDULE_LOGON_REFUSED',
    )

    tools.setMode('schtasks', 'logon-failure')
    const secret = 'Pa$$ w0rd&\'"'
    const withPassword = {
      ...options,
      windows: {
        userId: 'ESC\\tech',
        logonType: 'Password' as const,
        password: secret,
      },
    }
    await rejectsWith(
      installSchedule(ctx, DOMAIN, withPassword),
      'SCHEDULE_LOGON_REFUSED',
    )

    const call = tools.calls('schtasks').at(-1) ?? []
    assert.equal(call[call.indexOf('/RP') + 1], secret)
    const logs = path.join(ctx.layout.root, 'logs')
    for (const name of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
      const text = fs.readFileSync(path.join(logs, name), 'utf8')
      assert.ok(!text.includes(secret), 'the password never reaches a log')
    }
  })

  it('registers the task XML in its own folder and reads it back', async () => {
    tools.setMode('schtasks', 'success')
    fs.writeFileSync(
      tools.file('query-after-create.txt'),
      QUERY.replace('LAST_RESULT', '0'),
    )

    const view = await installSchedule(ctx, DOMAIN, options)
    const create =
      tools.calls('schtasks').find((call) => call[0] === '/Create') ?? []
    assert.equal(
      create[create.indexOf('/TN') + 1],
      '\\SameGoal Ascender\\fooisd.org',
    )
    assert.ok(create.includes('/F'))
    assert.ok(!create.includes('/RP'), 'S4U stores no password')
    assert.ok(
      !fs.existsSync(create[create.indexOf('/XML') + 1] ?? ''),
      'temporary XML removed',
    )

    const bytes = fs.readFileSync(tools.file('last-task.xml'))
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe])
    const task = new XMLParser({ parseTagValue: false }).parse(
      bytes.subarray(2).toString('utf16le'),
    ) as {
      Task: { Actions: { Exec: { Command: string; WorkingDirectory: string } } }
    }
    assert.equal(task.Task.Actions.Exec.Command, WIN_EXE)
    assert.equal(task.Task.Actions.Exec.WorkingDirectory, ctx.layout.root)

    assert.equal(view.installed, true)
    assert.equal(view.registeredProgram, WIN_EXE)
    assert.equal(view.registeredAt, '02:00')
    assert.equal(view.lastResult, 'success (0)')
    assert.equal(view.lastRunAt, '12/3/2026 2:00:03 AM')
    assert.equal(view.nextRunAt, '12/4/2026 2:00:00 AM')
    assert.equal(view.needsRepair, false)
  })

  it('reads a logon-type failure from the last result and warns', async () => {
    fs.writeFileSync(
      tools.file('query.txt'),
      QUERY.replace('LAST_RESULT', '2147943785'),
    )
    const view = await showSchedule(ctx, DOMAIN, options)
    assert.match(view.lastResult ?? '', /logon type not granted/)
    assert.ok(view.warnings.some((w) => w.includes('Log on as a batch job')))

    const interactive = QUERY.replace('LAST_RESULT', '0').replace(
      'Interactive/Background',
      'Interactive only',
    )
    fs.writeFileSync(tools.file('query.txt'), interactive)
    const onlyLoggedOn = await showSchedule(ctx, DOMAIN, options)
    assert.ok(
      onlyLoggedOn.warnings.some((w) =>
        w.includes('only while the user is logged on'),
      ),
    )
    fs.writeFileSync(
      tools.file('query.txt'),
      QUERY.replace('LAST_RESULT', '2147943785'),
    )
  })

  it('notices a task whose program no longer exists and offers repair', async () => {
    existing.delete(WIN_EXE)
    const view = await showSchedule(ctx, DOMAIN, options)
    assert.equal(view.programMissing, true)
    assert.equal(view.needsRepair, true)
    assert.ok(view.warnings.some((w) => w.includes('no longer exists')))
    existing.add(WIN_EXE)
  })

  it('refuses to schedule a key that needs a passphrase, before calling schtasks', async () => {
    const calls = tools.calls('schtasks').length
    await ctx.store.update(DOMAIN, (d) => ({
      ...d,
      key: {
        type: 'ed25519',
        bits: 256,
        file: 'keys/id_ed25519',
        publicKey: 'ssh-ed25519 AAAA test',
        comment: 'test',
        sha256: 'SHA256:x',
        md5: 'MD5:x',
        createdAt: new Date().toISOString(),
        source: 'imported',
        encrypted: true,
      },
    }))
    await rejectsWith(
      installSchedule(ctx, DOMAIN, options),
      'KEY_NOT_UNATTENDED',
    )
    assert.equal(tools.calls('schtasks').length, calls)
    await ctx.store.update(DOMAIN, ({ key: _key, ...rest }) => rest)
  })

  it('removes the task, and says when there was none', async () => {
    assert.deepEqual(await removeSchedule(ctx, DOMAIN, options), {
      domain: DOMAIN,
      removed: true,
    })
    const del = tools.calls('schtasks').at(-1)
    assert.deepEqual(del, [
      '/Delete',
      '/TN',
      '\\SameGoal Ascender\\fooisd.org',
      '/F',
    ])
    assert.equal((await removeSchedule(ctx, DOMAIN, options)).removed, false)
    assert.equal((await showSchedule(ctx, DOMAIN, options)).installed, false)
  })
})

describe('launchd through a launchctl stand-in', () => {
  let root: string
  let tools: StandIns
  let ctx: ServiceContext
  let options: ScheduleOptions
  let userHome: string

  before(async () => {
    root = tempDir('sg-mac')
    tools = makeStandIns(path.join(root, 'bin'))
    userHome = path.join(root, 'Users', 'zoë')
    ctx = createContext(
      path.join(userHome, 'Library', 'Application Support', "O'Brien & Søn"),
    )
    await ctx.store.add(DOMAIN, { at: '03:45' })
    options = {
      platform: 'macos',
      local: true,
      location: { packagedExecutable: MAC_EXE, nodePath: '', cliScript: '' },
      fileExists: (file) => file === MAC_EXE,
      host: { runner: tools.runner, userHome, uid: 501 },
    }
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('reports a refused or GUI-less load as a failure', async () => {
    tools.setMode('launchctl', 'not-permitted')
    await rejectsWith(
      installSchedule(ctx, DOMAIN, options),
      'SCHEDULE_ACCESS_DENIED',
    )

    tools.setMode('launchctl', 'no-gui')
    const error = await rejectsWith(
      installSchedule(ctx, DOMAIN, options),
      'SCHEDULE_FAILED',
    )
    assert.match(error.message, /Log in to the Mac/)
  })

  it('writes the LaunchAgent, boots out any old copy, bootstraps it and reads it back', async () => {
    tools.setMode('launchctl', 'success')
    const view = await installSchedule(ctx, DOMAIN, options)

    const file = path.join(
      userHome,
      'Library',
      'LaunchAgents',
      'org.samegoal-ascender.nightly.fooisd.org.plist',
    )
    const agent = parse(fs.readFileSync(file, 'utf8')) as Record<
      string,
      unknown
    >
    assert.equal((agent['ProgramArguments'] as string[])[0], MAC_EXE)
    assert.ok(
      fs.existsSync(path.join(ctx.layout.root, 'logs')),
      'log folder exists for launchd',
    )

    const calls = tools.calls('launchctl')
    const last = calls.slice(-3)
    assert.deepEqual(last[0], [
      'bootout',
      'gui/501/org.samegoal-ascender.nightly.fooisd.org',
    ])
    assert.deepEqual(last[1], ['bootstrap', 'gui/501', file])
    assert.deepEqual(last[2], [
      'print',
      'gui/501/org.samegoal-ascender.nightly.fooisd.org',
    ])

    assert.equal(view.installed, true)
    assert.equal(view.registeredAt, '03:45')
    assert.equal(view.state, 'not running')
    assert.equal(view.lastResult, 'exit code 7')
    assert.equal(view.needsRepair, false)
    assert.match(view.nextRunAt ?? '', /^\d{4}-\d{2}-\d{2}T/)
  })

  it('warns when the agent file exists but launchd has not loaded it', async () => {
    fs.rmSync(tools.file('loaded'))
    const view = await showSchedule(ctx, DOMAIN, options)
    assert.equal(view.state, 'not loaded')
    assert.ok(view.warnings.some((w) => w.includes('has not loaded it')))
  })

  it('removes the agent file and unloads it', async () => {
    const removed = await removeSchedule(ctx, DOMAIN, options)
    assert.equal(removed.removed, true)
    assert.equal((await showSchedule(ctx, DOMAIN, options)).installed, false)
  })
})
