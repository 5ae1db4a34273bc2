import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { XMLParser } from 'fast-xml-parser'
import {
  scheduledCommand,
  scheduleSpec,
} from '../../main/services/schedule/model'
import {
  encodeTaskXml,
  quoteWindowsArg,
  renderTaskXml,
  splitWindowsCommandLine,
} from '../../main/services/schedule/windows-task-xml'

// Paths a real install can have: spaces, an apostrophe, an ampersand,
// non-ASCII letters, and characters XML must escape.
const EXE =
  "C:\\Program Files\\O'Brien & Søn\\App <1>\\SameGoal Ascender Connector.exe"
const HOME = 'C:\\Users\\Zoë\\AppData\\Roaming\\O\'Brien & Søn "Home"\\'

type Node = Record<string, unknown>

function parseTask(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
  })
  return (parser.parse(xml) as { Task: Node }).Task
}

function field(node: unknown, ...names: string[]): unknown {
  return names.reduce<unknown>(
    (at, name) => (at as Node | undefined)?.[name],
    node,
  )
}

describe('the Windows task XML', () => {
  const command = scheduledCommand(
    { packagedExecutable: EXE, nodePath: '', cliScript: '' },
    'windows',
    'fooisd.org',
    HOME,
  )
  const spec = scheduleSpec('fooisd.org', '02:30', HOME, command)
  const xml = renderTaskXml(spec, { userId: 'ESC\\tech', logonType: 'S4U' })
  const task = parseTask(xml)

  it('parses back with the program, arguments and folder unchanged', () => {
    const exec = field(task, 'Actions', 'Exec')
    assert.equal(field(exec, 'Command'), EXE)
    assert.equal(field(exec, 'WorkingDirectory'), HOME)

    const args = splitWindowsCommandLine(String(field(exec, 'Arguments')))
    assert.deepEqual(args, [
      '--headless',
      'schedule',
      'nightly',
      'fooisd.org',
      '--home',
      HOME,
    ])
  })

  it('runs daily at the district time, catches up, ignores battery, needs network', () => {
    const trigger = field(task, 'Triggers', 'CalendarTrigger')
    assert.match(String(field(trigger, 'StartBoundary')), /T02:30:00$/)
    assert.equal(field(trigger, 'ScheduleByDay', 'DaysInterval'), '1')

    const settings = field(task, 'Settings') as Node
    assert.equal(settings['StartWhenAvailable'], 'true')
    assert.equal(settings['DisallowStartIfOnBatteries'], 'false')
    assert.equal(settings['StopIfGoingOnBatteries'], 'false')
    assert.equal(settings['MultipleInstancesPolicy'], 'IgnoreNew')
    assert.equal(settings['RunOnlyIfNetworkAvailable'], 'true')
    assert.equal(settings['ExecutionTimeLimit'], 'PT2H')
    assert.equal(settings['Enabled'], 'true')
  })

  it('runs whether or not the user is logged on, in its own folder', () => {
    const principal = field(task, 'Principals', 'Principal')
    assert.equal(field(principal, 'LogonType'), 'S4U')
    assert.equal(field(principal, 'UserId'), 'ESC\\tech')
    assert.equal(
      field(task, 'RegistrationInfo', 'URI'),
      '\\SameGoal Ascender\\fooisd.org',
    )

    const password = parseTask(
      renderTaskXml(spec, { userId: 'ESC\\tech', logonType: 'Password' }),
    )
    assert.equal(
      field(password, 'Principals', 'Principal', 'LogonType'),
      'Password',
    )
  })

  it('is written as UTF-16 little-endian with a byte-order mark', () => {
    const bytes = encodeTaskXml(xml)
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe])

    const decoded = bytes.subarray(2).toString('utf16le')
    assert.equal(decoded, xml)
    assert.match(decoded, /^<\?xml version="1.0" encoding="UTF-16"\?>/)
    assert.ok(decoded.includes('Søn'))
  })

  it('quotes arguments so Windows splits them back exactly', () => {
    const hostile = [
      'plain',
      'with space',
      'trailing\\',
      'C:\\dir with space\\',
      'say "hi"',
      '',
      'a\\\\"b',
      "O'Brien & Søn",
    ]
    const line = hostile.map(quoteWindowsArg).join(' ')
    assert.deepEqual(splitWindowsCommandLine(line), hostile)
  })
})
