import assert from 'node:assert/strict'
import http from 'node:http'
import type net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createServer as createSocksServer } from '@pondwader/socks5-server'
import { createProxy } from 'proxy'
import {
  freePort,
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { cliInProcess, failOnStrayErrors, homeWithDistrict } from './helpers'

const DOMAIN = 'fooisd.org'

failOnStrayErrors()

interface LoopbackProxy {
  readonly url: string
  readonly tunnels: () => number
}

async function httpProxy(refuse = false): Promise<LoopbackProxy> {
  let tunnels = 0
  const server = createProxy(http.createServer())
  server.authenticate = () => !refuse
  server.on('connect', () => tunnels++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  after(() => {
    server.closeAllConnections()
    server.close()
  })
  const { port } = server.address() as net.AddressInfo
  return { url: `http://127.0.0.1:${port}`, tunnels: () => tunnels }
}

async function socksProxy(refuse = false): Promise<LoopbackProxy> {
  let tunnels = 0
  const port = await freePort()
  const server = createSocksServer()
  server.setRulesetValidator(() => {
    tunnels++
    return !refuse
  })
  await new Promise<void>((resolve) =>
    server.listen(port, '127.0.0.1', resolve),
  )
  after(() => server.close())
  return { url: `socks5://127.0.0.1:${port}`, tunnels: () => tunnels }
}

async function districtBehind(sshd: SshdServer, proxyUrl: string) {
  const setup = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port, [
    '--proxy',
    proxyUrl,
  ])
  sshd.authorize(DOMAIN, setup.publicKey)
  return setup.home
}

describe(
  'HTTP CONNECT and SOCKS5 proxies',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let sshd: SshdServer

    before(async () => {
      sshd = await startSshd({ accounts: [DOMAIN] })
    })
    after(() => sshd?.stop())

    for (const [kind, make] of [
      ['HTTP CONNECT', httpProxy],
      ['SOCKS5', socksProxy],
    ] as const) {
      it(`connects through a ${kind} proxy`, async () => {
        const proxy = await make()
        const home = await districtBehind(sshd, proxy.url)

        const result = await cliInProcess(home, [
          'check',
          DOMAIN,
          '--trust-on-first-use',
        ])

        assert.equal(result.code, 0, JSON.stringify(result.json))
        assert.equal(result.json['proxy'], proxy.url)
        assert.equal(proxy.tunnels(), 1)
        assert.equal(
          (result.json['serverKey'] as { sha256: string }).sha256,
          sshd.hostKeySha256(),
        )
      })

      it(`names a ${kind} proxy that refuses as PROXY_FAILED`, async () => {
        const proxy = await make(true)
        const home = await districtBehind(sshd, proxy.url)

        const result = await cliInProcess(home, [
          'check',
          DOMAIN,
          '--trust-on-first-use',
        ])

        assert.equal(result.code, 3)
        assert.equal(result.json['code'], 'PROXY_FAILED')
        assert.equal(result.json['failedPhase'], 'connect')
        assert.match(String(result.json['message']), /proxy 127\.0\.0\.1/)
      })
    }

    it('names a proxy that is not listening as PROXY_FAILED', async () => {
      const port = await freePort()
      const home = await districtBehind(sshd, `socks5://127.0.0.1:${port}`)

      const result = await cliInProcess(home, ['check', DOMAIN])

      assert.equal(result.code, 3)
      assert.equal(result.json['code'], 'PROXY_FAILED')
      assert.match(String(result.json['details']), /ECONNREFUSED/)
    })

    it('refuses a proxy setting that is not a proxy URL', async () => {
      const home = await districtBehind(sshd, `socks5://127.0.0.1:1080`)

      const bad = await cliInProcess(home, [
        'district',
        'set',
        DOMAIN,
        '--proxy',
        'ftp://somewhere',
      ])
      const cleared = await cliInProcess(home, [
        'district',
        'set',
        DOMAIN,
        '--proxy',
        'none',
      ])

      assert.equal(bad.code, 2)
      assert.equal(bad.json['code'], 'INVALID_INPUT')
      assert.equal(cleared.code, 0)
      const district = cleared.json['district'] as { proxy?: string }
      assert.equal(district.proxy, undefined)
    })
  },
)
