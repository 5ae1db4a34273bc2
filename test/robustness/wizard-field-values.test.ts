import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { RecordingDesktop } from '../../main/ipc/desktop'
import { createHandlers, dispatch } from '../../main/ipc/handlers'
import { createContext } from '../../main/services/context'
import { HomeLayout } from '../../main/services/home'
import { tempDir } from '../harness/cli'

const DOMAIN = 'formsisd.org'

type Reply = Awaited<ReturnType<typeof dispatch>>

function refusal(reply: Reply): { code: string; message: string } {
  assert.equal(reply.ok, false, 'the value was accepted')
  return (reply as { error: { code: string; message: string } }).error
}

describe('values typed into the wizard get the command line’s checks', () => {
  let home: string
  let handlers: ReturnType<typeof createHandlers>
  let settingsFile: string

  before(async () => {
    home = tempDir('sg-wizard-fields')
    const ctx = createContext(home)
    handlers = createHandlers(ctx, new RecordingDesktop(), () => undefined)
    const added = await dispatch(handlers, 'districts:add', {
      domain: DOMAIN,
      fields: { name: 'Forms ISD' },
    })
    assert.equal(added.ok, true)
    settingsFile = new HomeLayout(home).settingsFile(DOMAIN)
  })
  after(() => fs.rmSync(home, { recursive: true, force: true }))

  it('refuses each bad value, names the field in plain words, and changes nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ at: '99:99' }, /The time of the nightly run must be a time of day/],
      [{ at: '2am' }, /The time of the nightly run/],
      [{ port: 'twenty-two' }, /The port must be a whole number/],
      [{ port: 70000 }, /The port must be a whole number/],
      [{ port: '2e1' }, /The port/],
      [{ host: 'sftp samegoal com' }, /The server must be a host name/],
      [{ pattern: '../TxEIS*.txt' }, /The file name pattern must be/],
      [{ name: '   ' }, /The district name must not be empty/],
      [{ proxy: 'proxy.esc.net:8080' }, /proxy must look like socks5:/],
      [{ proxy: 'ftp://proxy:21' }, /proxy must look like/],
      [{ exportDir: '' }, /The export folder needs the folder/],
      [
        { exportDir: 'exports/fooisd' },
        /The export folder must be a full path/,
      ],
    ]
    const before = fs.readFileSync(settingsFile, 'utf8')
    for (const [fields, message] of cases) {
      const error = refusal(
        await dispatch(handlers, 'districts:update', {
          domain: DOMAIN,
          fields,
        }),
      )
      assert.equal(error.code, 'INVALID_INPUT', JSON.stringify(fields))
      assert.match(error.message, message, JSON.stringify(fields))
      assert.doesNotMatch(error.message, /--\w/, 'no command-line flags')
    }
    assert.equal(fs.readFileSync(settingsFile, 'utf8'), before)
  })

  it('keeps a password in the proxy out of the refusal', async () => {
    const error = refusal(
      await dispatch(handlers, 'districts:update', {
        domain: DOMAIN,
        fields: { proxy: 'gopher://tech:hunter2@proxy.esc.net:70' },
      }),
    )
    assert.doesNotMatch(error.message, /hunter2/)
  })

  it('takes a proxy and a new server, trims them, and an empty proxy connects directly', async () => {
    const set = await dispatch(handlers, 'districts:update', {
      domain: DOMAIN,
      fields: {
        host: ' sftp.example.org ',
        port: '2222',
        proxy: ' http://proxy.esc.net:8080 ',
        exportDir: `  ${path.join(home, 'exports')}  `,
      },
    })
    assert.equal(set.ok, true, JSON.stringify(set))
    const saved = JSON.parse(fs.readFileSync(settingsFile, 'utf8'))
    assert.equal(saved.host, 'sftp.example.org')
    assert.equal(saved.port, 2222)
    assert.equal(saved.proxy, 'http://proxy.esc.net:8080')
    assert.equal(saved.exportDir, path.join(home, 'exports'), 'spaces trimmed')

    const cleared = await dispatch(handlers, 'districts:update', {
      domain: DOMAIN,
      fields: { proxy: '' },
    })
    assert.equal(cleared.ok, true)
    const after = JSON.parse(fs.readFileSync(settingsFile, 'utf8'))
    assert.equal('proxy' in after, false)
  })

  it('says in plain words what the request contract refused', async () => {
    const error = refusal(
      await dispatch(handlers, 'districts:add', {
        domain: `${'x'.repeat(300)}.org`,
        fields: {},
      }),
    )
    assert.equal(error.code, 'INVALID_INPUT')
    assert.match(
      error.message,
      /The domain is too long: at most 253 characters/,
    )
    assert.doesNotMatch(error.message, /too_big|origin|\[/)
  })
})
