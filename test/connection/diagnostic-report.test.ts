import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DistrictStore } from '../../main/services/district-store'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { cliInProcess, failOnStrayErrors, homeWithDistrict } from './helpers'

const DOMAIN = 'fooisd.org'

failOnStrayErrors()

describe(
  'check --report',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let sshd: SshdServer
    before(async () => {
      sshd = await startSshd({ accounts: [DOMAIN] })
    })
    after(() => sshd?.stop())

    it('writes what SameGoal needs about a failure, and no key material', async () => {
      const { home } = await homeWithDistrict(DOMAIN, '127.0.0.1', sshd.port, [
        '--proxy',
        'http://tech:s3cret-pass@127.0.0.1:9',
      ])
      const district = await new DistrictStore(home).get(DOMAIN)
      const file = path.join(home, 'report.txt')

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
        '--report',
        file,
      ])

      assert.equal(result.json['code'], 'PROXY_FAILED')
      const report = fs.readFileSync(file, 'utf8')
      assert.match(report, /District: +fooisd\.org \(fooisd\.org\)/)
      assert.match(
        report,
        new RegExp(`Server: +127\\.0\\.0\\.1 port ${sshd.port}`),
      )
      assert.ok(report.includes(district.key?.sha256 ?? 'no key'))
      assert.match(report, /Result: +FAILED PROXY_FAILED \(exit 3\)/)
      assert.match(report, /FAIL connect/)
      assert.match(report, /Program: +samegoal-ascender \d+\.\d+\.\d+, Node v/)
      assert.doesNotMatch(report, /s3cret-pass/)
      assertNoKeyMaterial(home, report)
    })

    it('writes the fingerprints and folders of a working connection', async () => {
      const { home, publicKey } = await homeWithDistrict(
        DOMAIN,
        '127.0.0.1',
        sshd.port,
      )
      sshd.authorize(DOMAIN, publicKey)
      const file = path.join(home, 'report.txt')

      const result = await cliInProcess(home, [
        'check',
        DOMAIN,
        '--trust-on-first-use',
        '--report',
        file,
      ])

      assert.equal(result.code, 0, JSON.stringify(result.json))
      assert.equal(result.json['reportFile'], file)
      const report = fs.readFileSync(file, 'utf8')
      assert.match(report, /Result: +works/)
      assert.ok(report.includes(sshd.hostKeySha256()))
      assert.match(report, /ok +list-folders/)
      assert.match(report, /\/upload: +0 epoch\(s\) waiting/)
      assertNoKeyMaterial(home, report)
    })
  },
)

function assertNoKeyMaterial(home: string, report: string): void {
  const keys = path.join(home, 'districts', DOMAIN, 'keys')
  const privateFile = fs
    .readdirSync(keys)
    .find((name) => !name.endsWith('.pub'))
  assert.ok(privateFile)
  const body = fs
    .readFileSync(path.join(keys, privateFile), 'utf8')
    .split('\n')
    .filter((line) => line.length > 20 && !line.startsWith('-----'))
  assert.ok(body.length > 0)
  for (const line of body) assert.ok(!report.includes(line))
  assert.doesNotMatch(report, /PRIVATE KEY/)
}
