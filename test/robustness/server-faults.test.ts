import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { processAccount } from '../../main/processor/samegoal-processor'
import { writeSampleExport } from '../../main/processor/sample-export'
import { tempDir } from '../harness/cli'
import { cliInProcess } from '../harness/in-process-cli'
import {
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import { assertRefused } from './helpers'

const DOMAIN = 'faultisd.org'

describe(
  'status against odd server contents (OpenSSH)',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string
    let epochDir: string
    const cli = (...args: string[]) => cliInProcess(home, [...args, '--json'])

    before(async () => {
      server = await startSshd({ accounts: [DOMAIN] })
      home = tempDir('sg-faults')
      const exportDir = path.join(home, 'export')
      fs.mkdirSync(exportDir)
      await writeSampleExport(exportDir, {
        records: 20,
        countyDistrict: '015907',
      })

      const steps = [
        [
          'district',
          'add',
          DOMAIN,
          '--host',
          '127.0.0.1',
          '--port',
          String(server.port),
          '--export-dir',
          exportDir,
        ],
        ['key', 'generate', DOMAIN, '--type', 'ed25519'],
      ]
      for (const step of steps) {
        const result = await cli(...step)
        assert.equal(result.code, 0, result.stdout)
        if (result.json['publicKey'])
          server.authorize(DOMAIN, String(result.json['publicKey']))
      }
      assert.equal((await cli('check', DOMAIN, '--trust-on-first-use')).code, 0)
      const upload = await cli('upload', DOMAIN)
      assert.equal(upload.code, 0, upload.stdout)
      await processAccount(server.accountRoot(DOMAIN))
      epochDir = path.join(
        server.accountRoot(DOMAIN),
        'upload-processed',
        String(upload.json['epoch']),
      )
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    it('shows a binary or escape-laden error file safely', async () => {
      fs.writeFileSync(
        path.join(epochDir, 'errors.bin'),
        Buffer.concat([Buffer.from([0]), crypto.randomBytes(2000)]),
      )
      fs.writeFileSync(
        path.join(epochDir, 'notes.txt'),
        'Row 3 bad\x1b]0;owned\x07\n',
      )

      const json = await cli('status', DOMAIN)
      assert.equal(json.code, 0, json.stdout)
      const latest = json.json['latest'] as {
        state: string
        errorFiles: { name: string; firstLines: string[] }[]
      }
      assert.equal(latest.state, 'processed-with-problems')
      const lines = Object.fromEntries(
        latest.errorFiles.map((f) => [f.name, f.firstLines]),
      )
      assert.deepEqual(lines['errors.bin'], ['(binary content, not shown)'])
      assert.deepEqual(lines['notes.txt'], ['Row 3 bad?]0;owned?'])

      const text = await cliInProcess(home, ['status', DOMAIN])
      assert.doesNotMatch(text.stdout, /[\x00\x1b\x07]/)
      fs.rmSync(path.join(epochDir, 'errors.bin'))
      fs.rmSync(path.join(epochDir, 'notes.txt'))
    })

    it('names the one epoch folder it cannot read', async () => {
      fs.chmodSync(epochDir, 0o000)
      try {
        const result = await cli('status', DOMAIN)
        assertRefused(result, 6, 'REMOTE_FOLDER_MISSING')
        assert.match(
          String(result.json['message']),
          /epoch folder \/upload-processed\/\d{8}-\d{6}/,
        )
        assert.match(
          String(result.json['message']),
          /permissions of that folder/,
        )
      } finally {
        fs.chmodSync(epochDir, 0o755)
      }
    })
  },
)
