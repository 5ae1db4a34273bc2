import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import net from 'node:net'
import { after, describe, it } from 'node:test'
import { freePort } from '../harness/openssh-server'
import {
  cliInProcess,
  failOnStrayErrors,
  homeWithDistrict,
  iptablesUsable,
} from './helpers'

const DOMAIN = 'fooisd.org'
const SHORT = ['--connect-timeout', '1', '--greeting-timeout', '1']

failOnStrayErrors()

/** A loopback listener that does whatever the test needs with each socket. */
async function listener(onSocket: (socket: net.Socket) => void) {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    onSocket(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  after(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  const address = server.address() as net.AddressInfo
  return address.port
}

describe('connection faults before SSH, each with its own code', () => {
  it('a name that does not resolve is DNS_NOT_FOUND (injected resolver)', async () => {
    const { home } = await homeWithDistrict(DOMAIN, 'sftp.fooisd.invalid', 22)
    const asked: string[] = []
    const lookup = async (host: string): Promise<string> => {
      asked.push(host)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
      })
    }

    const result = await cliInProcess(home, ['check', DOMAIN], { lookup })

    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'DNS_NOT_FOUND')
    assert.equal(result.json['failedPhase'], 'resolve')
    assert.match(String(result.json['message']), /sftp\.fooisd\.invalid/)
    assert.deepEqual(asked, ['sftp.fooisd.invalid'])
  })

  it('a closed port is CONNECTION_REFUSED', async () => {
    const port = await freePort()
    const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', port)

    const result = await cliInProcess(home, ['check', DOMAIN, ...SHORT])

    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'CONNECTION_REFUSED')
    assert.equal(result.json['failedPhase'], 'connect')
    assert.deepEqual(result.json['phases'], ['resolve'])
  })

  it(
    'a port that drops every packet is NO_ANSWER',
    { skip: !iptablesUsable() && 'iptables cannot add rules here' },
    async () => {
      const port = await freePort()
      const rule = ['INPUT', '-i', 'lo', '-p', 'tcp', '--dport', String(port)]
      execFileSync('iptables', ['-I', ...rule, '-j', 'DROP'])
      after(() => execFileSync('iptables', ['-D', ...rule, '-j', 'DROP']))
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', port)

      const result = await cliInProcess(home, ['check', DOMAIN, ...SHORT])

      assert.equal(result.code, 3)
      assert.equal(result.json['code'], 'NO_ANSWER')
      assert.equal(result.json['failedPhase'], 'connect')
      assert.match(String(result.json['whatToDo']), /firewall/)
    },
  )

  it('a listener that accepts and says nothing is NO_SSH_GREETING', async () => {
    const port = await listener(() => undefined)
    const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', port)

    const result = await cliInProcess(home, ['check', DOMAIN, ...SHORT])

    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'NO_SSH_GREETING')
    assert.equal(result.json['failedPhase'], 'greet')
    assert.match(String(result.json['message']), /sent nothing/)
  })

  it('a listener that answers with other text is NO_SSH_GREETING', async () => {
    const port = await listener((socket) =>
      socket.write('HTTP/1.1 400 Bad Request\r\nServer: inspector\r\n\r\n'),
    )
    const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', port)

    const result = await cliInProcess(home, ['check', DOMAIN, ...SHORT])

    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'NO_SSH_GREETING')
    assert.match(String(result.json['message']), /not SSH/)
    assert.match(String(result.json['details']), /HTTP\/1\.1 400/)
  })

  it('a listener that sends text and hangs up is NO_SSH_GREETING', async () => {
    const port = await listener((socket) => socket.end('220 mail ready\r\n'))
    const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', port)

    const result = await cliInProcess(home, ['check', DOMAIN, ...SHORT])

    assert.equal(result.code, 3)
    assert.equal(result.json['code'], 'NO_SSH_GREETING')
    assert.match(String(result.json['details']), /220 mail ready/)
  })
})
