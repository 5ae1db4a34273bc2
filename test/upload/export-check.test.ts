import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sampleExportText } from '../../main/processor/sample-export'
import { createContext, type ServiceContext } from '../../main/services/context'
import { checkExport, previewExport } from '../../main/services/export-check'
import {
  pickExportFile,
  waitUntilWritten,
} from '../../main/services/export-file'
import { silentLogger } from '../../main/services/logger'
import { runPreExport } from '../../main/services/pre-export'
import { appendRun } from '../../main/services/run-history'
import type { AppError } from '../../shared/errors'
import type { DistrictSettings } from '../../shared/settings-schema'
import { tempDir } from '../harness/cli'

const DOMAIN = 'checkisd.org'
const NAME = 'TxEISStudent_015907.txt'

describe('export file checks', () => {
  let home: string
  let dir: string
  let ctx: ServiceContext
  let district: DistrictSettings

  before(async () => {
    home = tempDir('sg-check-home')
    dir = tempDir('sg-check-export')
    ctx = createContext(home)
    district = await ctx.store.add(DOMAIN, {
      exportDir: dir,
      countyDistrict: '015907',
    })
  })
  after(() => {
    fs.rmSync(home, { recursive: true, force: true })
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const write = (content: string | Buffer, name = NAME): string => {
    for (const old of fs.readdirSync(dir)) fs.rmSync(path.join(dir, old))
    const file = path.join(dir, name)
    fs.writeFileSync(file, content)
    return file
  }
  const check = async (options = {}) =>
    checkExport(ctx, district, await pickExportFile(district), options)
  const refusal = async (code: string, options = {}): Promise<AppError> => {
    let caught: AppError | undefined
    await assert.rejects(check(options), (error: AppError) => {
      caught = error
      return error.code === code
    })
    assert.equal(caught?.exitCode, 7, 'every refusal is exit code 7')
    return caught as AppError
  }

  it('accepts a tab-separated export and counts its records', async () => {
    write(sampleExportText({ records: 250 }))
    const report = await check()

    assert.equal(report.records, 250)
    assert.equal(report.hasHeader, true)
    assert.equal(report.delimiter, 'tab')
    assert.equal(report.encoding, 'utf-8')
    assert.deepEqual(report.warnings, [])
  })

  it('refuses an empty file, and one with a header and no records', async () => {
    write('')
    await refusal('EXPORT_EMPTY')
    write('Student Id\tLast Name\tFirst Name\r\n')
    assert.match((await refusal('EXPORT_EMPTY')).message, /no student records/)
  })

  it('refuses binary files, zip archives and spreadsheets', async () => {
    write(Buffer.from([0x41, 0x09, 0x42, 0x0a, 0x00, 0x01, 0x02, 0x0a]))
    assert.match((await refusal('EXPORT_INVALID')).message, /binary/)

    write(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]))
    assert.match((await refusal('EXPORT_INVALID')).message, /zip/)

    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    write(Buffer.concat([xls, Buffer.alloc(512, 0)]))
    assert.match((await refusal('EXPORT_INVALID')).message, /Excel/)
  })

  it('accepts Windows-1252 text and says so', async () => {
    const text = 'ID\tLast\tFirst\r\n000000001\tPe\xf1a\tJos\xe9\r\n'
    write(Buffer.from(text, 'latin1'))
    const report = await check()

    assert.equal(report.encoding, 'windows-1252')
    assert.equal(report.records, 1)
  })

  it('refuses uneven records and names the first bad lines', async () => {
    const lines = ['a\tb\tc', '1\t2\t3', '1\t2', '1\t2\t3', '1\t2\t3\t4']
    for (let i = 0; i < 10; i++) lines.push('x\ty')
    write(`${lines.join('\n')}\n`)
    const error = await refusal('EXPORT_INVALID')

    assert.match(error.message, /lines 3, 5, 6, 7, 8 and 7 more differ/)
    assert.deepEqual(error.extra?.['badLines'], [3, 5, 6, 7, 8])
  })

  it('keeps quoted separators and line breaks inside one field', async () => {
    write('id,name,note\r\n1,"Lee, Ann","two\r\nlines"\r\n2,Bo,ok\r\n')
    const report = await check()

    assert.equal(report.delimiter, 'comma')
    assert.equal(report.records, 2)
  })

  it('reads a doubled quote inside a quoted field as one quote, also across a read boundary', async () => {
    write('id,name,note\n1,"Lee ""Junior"", Ann",ok\n2,Bo,ok\n')
    assert.equal((await check()).records, 2)

    // The scan reads 256 KiB at a time: put the "" pair across that line.
    const boundary = 256 * 1024
    const head = 'id,name,note\n'
    const opening = '9,"say '
    const room = boundary - 1 - head.length - opening.length
    const rows = Math.floor((room - 7) / 12)
    const pad = `1,${'f'.repeat(room - 12 * rows - 6)},ok\n`
    const text = [
      head,
      '1,filler,ok\n'.repeat(rows),
      pad,
      opening,
      '""hi"", Bo",ok\n2,Bo,ok\n',
    ].join('')
    assert.equal(text.indexOf('""hi'), boundary - 1)
    write(text)
    assert.equal((await check()).records, rows + 3)
  })

  it('refuses a stale export unless allowed once', async () => {
    const file = write(sampleExportText({ records: 20 }))
    const old = new Date(Date.now() - 48 * 3600_000)
    fs.utimesSync(file, old, old)

    assert.match((await refusal('EXPORT_STALE')).message, /48\.0 hours ago/)
    const report = await check({ allowStale: true })
    assert.equal(report.records, 20)
  })

  it('holds an export far smaller than the last successful run', async () => {
    await appendRun(ctx.layout, {
      id: 'earlier',
      domain: DOMAIN,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: 1,
      result: 'success',
      mode: 'epoch',
      records: 4000,
    })
    write(sampleExportText({ records: 300 }))

    const error = await refusal('EXPORT_RECORD_DROP')
    assert.match(error.message, /300 records, 93% fewer than the 4000/)
    assert.equal((await check({ allowDrop: true })).records, 300)

    write(sampleExportText({ records: 3900 }))
    assert.equal((await check()).records, 3900, 'a small drop passes')
  })

  it('warns, without refusing, when the file name carries another district number', async () => {
    write(sampleExportText({ records: 3900 }), 'TxEISStudent_101912.txt')
    const report = await check()

    assert.equal(report.warnings.length, 1)
    assert.match(report.warnings[0] ?? '', /101912.*015907/)
  })

  it('shows the file it would take now and its checks in the preview', async () => {
    write(sampleExportText({ records: 3950 }))
    const preview = await previewExport(ctx, district)
    assert.equal(preview.checks?.records, 3950)

    write('')
    const refused = await previewExport(ctx, district)
    assert.equal(refused.refusal?.code, 'EXPORT_EMPTY')
  })

  it('waits for a file still being written, and refuses one that never settles', async () => {
    const file = write('id\tname\n')
    const writer = setInterval(() => fs.appendFileSync(file, '1\tA\n'), 20)
    try {
      await assert.rejects(
        waitUntilWritten(await pickExportFile(district), 60),
        (error: AppError) => error.code === 'EXPORT_NOT_READY',
      )
    } finally {
      clearInterval(writer)
    }

    const settled = await waitUntilWritten(await pickExportFile(district), 60)
    assert.equal(settled.bytes, fs.statSync(file).size)
  })

  it('runs the pre-export command with a time limit', async () => {
    const log = silentLogger()
    const target = path.join(dir, 'made.txt')
    await runPreExport(`echo made > "${target}"`, 5000, log)
    assert.equal(fs.readFileSync(target, 'utf8').trim(), 'made')

    await assert.rejects(
      runPreExport('exit 3', 5000, log),
      (error: AppError) =>
        error.code === 'PRE_EXPORT_FAILED' && /exit code 3/.test(error.message),
    )
    await assert.rejects(
      runPreExport('sleep 5', 200, log),
      (error: AppError) =>
        error.code === 'PRE_EXPORT_FAILED' &&
        /within 0.2 s/.test(error.message),
    )
  })
})
