import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { DistrictStore } from '../../main/services/district-store'
import { runCliProcess } from '../harness/cli'
import {
  sshdAvailable,
  startSshd,
  type SshdOptions,
  type SshdServer,
} from '../harness/openssh-server'
import { cliInProcess, failOnStrayErrors, homeWithDistrict } from './helpers'

const DOMAIN = 'fooisd.org'

failOnStrayErrors()

async function server(options: Partial<SshdOptions> = {}): Promise<SshdServer> {
  const started = await startSshd({ accounts: [DOMAIN], ...options })
  after(() => started.stop())
  return started
}

async function recordShared(home: string, minutesAgo: number): Promise<void> {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString()
  await new DistrictStore(home).update(DOMAIN, (current) => ({
    ...current,
    keyShared: { at, route: 'email' },
  }))
}

type Cause = { cause: string; text: string }

describe(
  'OpenSSH refusals, each named',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    it('a key not installed yet is AUTH_REFUSED, the sync window ranked first', async () => {
      const sshd = await server()
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port)
      await recordShared(home, 10)

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 5)
      assert.equal(result.json['code'], 'AUTH_REFUSED')
      assert.equal(result.json['failedPhase'], 'authenticate')
      const causes = result.json['likelyCauses'] as Cause[]
      assert.deepEqual(
        causes.map((c) => c.cause),
        ['not-installed-yet', 'other-account', 'username'],
      )
      assert.match(causes[0]?.text ?? '', /60 minutes/)
      assert.equal(result.json['keyWaitOffered'], true)
      assert.doesNotMatch(String(result.json['message']), /All configured/)
      assert.match(String(result.json['details']), /All configured/)
    })

    it('a key shared long ago ranks "installed for another account" first', async () => {
      const sshd = await server()
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port)
      await recordShared(home, 180)

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 5)
      const causes = result.json['likelyCauses'] as Cause[]
      assert.equal(causes[0]?.cause, 'other-account')
      assert.equal(result.json['keyWaitOffered'], false)
    })

    it('a username that is a host name, not the domain, ranks the username first', async () => {
      const sshd = await server()
      const wrong = `www.${DOMAIN}`
      const { home, publicKey } = await homeWithDistrict(
        wrong,
        '127.0.0.1',
        sshd.port,
      )
      // The key is installed, but for the real account.
      sshd.authorize(DOMAIN, publicKey)

      const result = await cliInProcess(home, [
        'check',
        wrong,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 5)
      assert.equal(result.json['code'], 'AUTH_REFUSED')
      const causes = result.json['likelyCauses'] as Cause[]
      assert.equal(causes[0]?.cause, 'username')
      assert.match(String(result.json['message']), /www\.fooisd\.org/)
    })

    it('a server accepting only passwords is AUTH_METHOD_UNSUPPORTED', async () => {
      const sshd = await server({ authMethod: 'password' })
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port)

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 5)
      assert.equal(result.json['code'], 'AUTH_METHOD_UNSUPPORTED')
      assert.ok(
        (result.json['methodsOffered'] as string[]).includes('password'),
      )
    })

    it('a server without the SFTP subsystem is SFTP_UNAVAILABLE', async () => {
      const sshd = await server({ sftp: false })
      const { home, publicKey } = await homeWithDistrict(
        DOMAIN,
        '127.0.0.1',
        sshd.port,
      )
      sshd.authorize(DOMAIN, publicKey)

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 3)
      assert.equal(result.json['code'], 'SFTP_UNAVAILABLE')
      assert.equal(result.json['failedPhase'], 'open-sftp')
    })

    it('a server with no cipher in common is NO_COMMON_ALGORITHMS', async () => {
      const sshd = await server({ extraConfig: ['Ciphers aes128-cbc'] })
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port)

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 3)
      assert.equal(result.json['code'], 'NO_COMMON_ALGORITHMS')
      assert.match(String(result.json['details']), /cipher/i)
    })

    it('an RSA key logs in where SHA-1 signatures are refused', async () => {
      const sshd = await server({
        extraConfig: ['PubkeyAcceptedAlgorithms -ssh-rsa'],
      })
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port)
      const rsa = await cliInProcess(home, [
        'key',
        'generate',
        DOMAIN,
        '--type',
        'rsa',
        '--replace',
      ])
      assert.equal(rsa.code, 0, JSON.stringify(rsa.json))
      sshd.authorize(DOMAIN, String(rsa.json['publicKey']))

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
      ])

      assert.equal(result.code, 0, JSON.stringify(result.json))
      assert.match(sshd.log(), /Accepted publickey for fooisd\.org .* RSA /)
    })
  },
)

describe(
  'host key pinning across a regenerated host key',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    it('pins on first use, stays silent, then refuses a changed key before login', async () => {
      const sshd = await server()
      const { home, publicKey } = await homeWithDistrict(
        DOMAIN,
        '127.0.0.1',
        sshd.port,
      )
      sshd.authorize(DOMAIN, publicKey)
      const cli = (...args: string[]) =>
        runCliProcess(home, [...args, '--json'])

      const first = await cli('check', DOMAIN, '--trust-on-first-use')
      assert.equal(first.code, 0, first.stdout)
      assert.equal(first.json['hostKeyPinned'], 'new')
      const oldKey = first.json['serverKey'] as { sha256: string; md5: string }
      assert.equal(oldKey.sha256, sshd.hostKeySha256())
      assert.match(oldKey.md5, /^MD5:([0-9a-f]{2}:){15}[0-9a-f]{2}$/)

      const second = await runCliProcess(home, ['check', DOMAIN])
      assert.equal(second.code, 0, second.stderr)
      assert.match(second.stdout, /matches the pinned key/)

      await sshd.regenerateHostKey()
      const logBefore = sshd.log().length
      const third = await cli('check', DOMAIN)

      assert.equal(third.code, 4)
      assert.equal(third.json['code'], 'HOST_KEY_CHANGED')
      const message = String(third.json['message'])
      assert.ok(message.includes(oldKey.sha256), message)
      assert.ok(message.includes(sshd.hostKeySha256()), message)
      assert.match(message, /--trust-host-key/)
      assert.equal(third.json['failedPhase'], 'verify-host')
      // Nothing was sent: the server never saw a login attempt.
      const since = sshd.log().slice(logBefore)
      assert.doesNotMatch(since, /publickey|fooisd\.org/, since)
      assert.deepEqual(
        fs.readdirSync(path.join(sshd.accountRoot(DOMAIN), 'upload')),
        [],
      )

      const accepted = await cli(
        'check',
        DOMAIN,
        '--trust-host-key',
        sshd.hostKeySha256(),
      )
      assert.equal(accepted.code, 0, accepted.stdout)
      assert.equal(
        (accepted.json['serverKey'] as { sha256: string }).sha256,
        sshd.hostKeySha256(),
      )
    })
  },
)
