import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'plist'
import { renderPlist } from '../../main/services/schedule/macos'
import {
  scheduledCommand,
  scheduleSpec,
} from '../../main/services/schedule/model'

const EXE =
  "/Applications/O'Brien & Søn <Tools>/SameGoal Ascender Connector.app/Contents/MacOS/SameGoal Ascender Connector"
const HOME = "/Users/zoë/Library/Application Support/O'Brien & Søn"

type Agent = Record<string, unknown>

describe('the macOS LaunchAgent plist', () => {
  const packaged = scheduledCommand(
    { packagedExecutable: EXE, nodePath: '', cliScript: '' },
    'macos',
    'fooisd.org',
    HOME,
  )
  const agent = parse(
    renderPlist(scheduleSpec('fooisd.org', '01:05', HOME, packaged)),
  ) as Agent

  it('starts the app itself with absolute arguments and no shell', () => {
    assert.equal(agent['Label'], 'org.samegoal-ascender.nightly.fooisd.org')
    const args = agent['ProgramArguments'] as string[]
    assert.deepEqual(args, [
      EXE,
      '--headless',
      'schedule',
      'nightly',
      'fooisd.org',
      '--home',
      HOME,
    ])
    assert.ok(path.isAbsolute(args[0] ?? ''))
    for (const arg of args) {
      assert.ok(!arg.startsWith('~'), `no ~ in ${arg}`)
      assert.ok(!arg.includes('$'), `no variables in ${arg}`)
    }
    assert.ok(!('Program' in agent) || agent['Program'] === EXE)
    assert.equal(agent['WorkingDirectory'], HOME)
  })

  it('runs once a night at the district time and logs into the home', () => {
    assert.deepEqual(agent['StartCalendarInterval'], { Hour: 1, Minute: 5 })
    assert.equal(agent['RunAtLoad'], false)
    assert.equal(
      agent['StandardOutPath'],
      `${HOME}/logs/launchd-fooisd.org.out.log`,
    )
    assert.equal(
      agent['StandardErrorPath'],
      `${HOME}/logs/launchd-fooisd.org.err.log`,
    )
    assert.equal(agent['EnvironmentVariables'], undefined)
  })

  it('from a checkout, starts the absolute node binary with the CLI script', () => {
    const checkout = scheduledCommand(
      {
        nodePath: "/opt/O'Brien & Søn/node/bin/node",
        cliScript: "/opt/O'Brien & Søn/App/bin/samegoal-ascender.mjs",
      },
      'macos',
      'fooisd.org',
      HOME,
    )
    const fromCheckout = parse(
      renderPlist(scheduleSpec('fooisd.org', '23:59', HOME, checkout)),
    ) as Agent
    const args = fromCheckout['ProgramArguments'] as string[]
    assert.equal(args[0], "/opt/O'Brien & Søn/node/bin/node")
    assert.equal(args[1], "/opt/O'Brien & Søn/App/bin/samegoal-ascender.mjs")
    assert.deepEqual(fromCheckout['StartCalendarInterval'], {
      Hour: 23,
      Minute: 59,
    })
  })
})
