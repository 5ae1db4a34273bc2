import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runHeadless } from '../../main/electron/headless'
import { launchMode, launchPlan } from '../../main/electron/launch-mode'
import {
  describeBindings,
  nativeBindings,
} from '../../main/electron/native-bindings'
import {
  nightlyArgs,
  scheduledCommand,
} from '../../main/services/schedule/model'
import { tempDir } from '../harness/cli'

const quiet = { stdout: () => undefined, stderr: () => undefined }
const withBinding = () => ({ sshCrypto: true, cpuFeatures: false })

describe('the packaged app started by the scheduler', () => {
  let root: string
  let home: string

  before(() => {
    root = tempDir('sg-headless')
    home = path.join(root, "O'Brien & Søn home")
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('reads the scheduled command line as a headless run of the nightly command', () => {
    for (const platform of ['windows', 'macos', 'linux'] as const) {
      const command = scheduledCommand(
        { packagedExecutable: '/opt/App/app', nodePath: '', cliScript: '' },
        platform,
        'fooisd.org',
        home,
      )
      const mode = launchMode([command.program, ...command.args])
      assert.deepEqual(mode, {
        kind: 'headless',
        args: nightlyArgs('fooisd.org', home),
      })
    }
  })

  it('opens no window and takes no single-instance lock when headless', () => {
    const headless = launchPlan(
      launchMode(['app', '--headless', 'upload', 'x.org']),
    )
    assert.deepEqual(headless, {
      createWindow: false,
      singleInstanceLock: false,
      hideDock: true,
    })

    const wizard = launchPlan(launchMode(['app']))
    assert.deepEqual(wizard, {
      createWindow: true,
      singleInstanceLock: true,
      hideDock: false,
    })
  })

  it('exits with the run\u2019s own code and leaves a log file with its output', async () => {
    const outcome = await runHeadless(
      ['schedule', 'nightly', 'fooisd.org', '--home', home],
      {
        runCli: async (_args, { io }) => {
          io.stderr('Error: The export folder does not exist\n')
          return 7
        },
        bindings: withBinding,
        io: quiet,
      },
    )

    assert.equal(outcome.exitCode, 7)
    assert.ok(outcome.logFile.startsWith(path.join(home, 'logs')))
    const log = fs.readFileSync(outcome.logFile, 'utf8')
    assert.match(log, /headless run started/)
    assert.match(log, /The export folder does not exist/)
    assert.match(log, /ssh2 native crypto binding loaded/)
    assert.match(log, /"exitCode":7/)
  })

  it('a crash in the command is exit code 1, never 0', async () => {
    const outcome = await runHeadless(
      ['upload', 'fooisd.org', '--home', home],
      {
        runCli: () => Promise.reject(new Error('boom')),
        bindings: withBinding,
        io: quiet,
      },
    )
    assert.equal(outcome.exitCode, 1)
    assert.match(
      fs.readFileSync(outcome.logFile, 'utf8'),
      /headless run crashed/,
    )
  })

  it('says whether ssh2\u2019s native binding loaded, and survives when it cannot', () => {
    const real = nativeBindings()
    assert.equal(typeof real.sshCrypto, 'boolean')

    const missing = nativeBindings(() => {
      throw new Error('Cannot find module sshcrypto.node')
    })
    assert.equal(missing.sshCrypto, false)
    assert.match(missing.problem ?? '', /sshcrypto/)
    assert.match(describeBindings(missing), /JavaScript fallback/)
  })
})
