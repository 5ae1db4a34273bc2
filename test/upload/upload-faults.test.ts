import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { readRuns } from '../../main/services/run-history'
import {
  startFaultServer,
  type FaultServer,
  type FaultServerOptions,
} from '../harness/ssh2-fault-server'
import { epochsOnDisk, makeDistrict, type TestDistrict } from './upload-setup'

const DOMAIN = 'faultisd.org'
const NAME = 'TxEISStudent_015907.txt'

/**
 * Faults OpenSSH cannot produce on cue, from an in-process ssh2 server;
 * each ends in a verified upload with COMPLETE, or in no COMPLETE, a
 * non-zero exit and a clear log line.
 */
describe('nightly upload against a misbehaving SFTP server', () => {
  let server: FaultServer | undefined
  let district: TestDistrict | undefined

  afterEach(async () => {
    await server?.stop()
    district?.cleanup()
  })

  async function setUp(faults: Omit<FaultServerOptions, 'account'>) {
    server = await startFaultServer({ account: DOMAIN, ...faults })
    district = await makeDistrict({
      domain: DOMAIN,
      port: server.port,
      hostKeySha256: server.hostKeySha256,
    })
    const exportFile = district.writeExport(8000)
    return {
      server,
      district,
      exportFile,
      uploadDir: path.join(server.root, 'upload'),
    }
  }

  it('never reports success when the server silently truncates writes', async () => {
    const t = await setUp({ truncateWritesTo: 16 * 1024 })

    const result = await t.district.upload()
    assert.equal(result.code, 6, result.stdout + result.stderr)
    assert.equal(result.json['code'], 'VERIFY_FAILED')
    for (const epoch of epochsOnDisk(t.uploadDir)) {
      assert.deepEqual(fs.readdirSync(path.join(t.uploadDir, epoch)), [])
    }
    assert.match(t.district.runLog(result), /verification failed/)
    const runs = await readRuns(t.district.ctx.layout, DOMAIN)
    assert.equal(runs.at(-1)?.result, 'failed')
  })

  it('falls back to one write at a time when parallel writes are refused', async () => {
    const t = await setUp({ rejectParallel: true })

    const result = await t.district.upload()
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.ok(t.server.rejectedWrites() > 0, 'the server did refuse')
    const transfer = result.json['transfer'] as Record<string, unknown>
    assert.equal(transfer['mode'], 'sequential')
    assert.match(t.district.runLog(result), /sending again sequentially/)

    const dir = path.join(t.uploadDir, String(result.json['epoch']))
    assert.deepEqual(fs.readdirSync(dir).sort(), ['COMPLETE', NAME])
    assert.ok(
      fs
        .readFileSync(path.join(dir, NAME))
        .equals(fs.readFileSync(t.exportFile)),
    )
  })

  it('fails at once, naming /upload, when mkdir is refused', async () => {
    const t = await setUp({ refuseMkdir: true })

    const result = await t.district.upload()
    assert.equal(result.code, 6, result.stdout + result.stderr)
    assert.equal(result.json['code'], 'UPLOAD_NOT_PERMITTED')
    assert.match(
      String(result.json['message']),
      /in \/upload \(permission denied\)/,
    )
    assert.doesNotMatch(t.district.runLog(result), /retrying/)
    assert.deepEqual(fs.readdirSync(t.uploadDir), [])
  })

  it('leaves an epoch folder that already exists alone and uses a new one', async () => {
    const t = await setUp({ mkdirCollision: true })

    const result = await t.district.upload()
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const epochs = epochsOnDisk(t.uploadDir)
    assert.equal(epochs.length, 2)
    const [theirs, ours] = epochs as [string, string]
    assert.equal(ours, result.json['epoch'])
    assert.deepEqual(fs.readdirSync(path.join(t.uploadDir, theirs)), [
      'leftover.txt',
    ])
    assert.deepEqual(fs.readdirSync(path.join(t.uploadDir, ours)).sort(), [
      'COMPLETE',
      NAME,
    ])
    assert.match(t.district.runLog(result), /already exists; left untouched/)
  })
})
