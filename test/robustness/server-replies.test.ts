import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { describe, it } from 'node:test'
import { statusText } from '../../main/cli/commands/status'
import { previewLines } from '../../main/services/epoch-inspect'
import type { StatusReport } from '../../shared/reports'

describe('odd server replies still read sensibly', () => {
  it('shows a binary error file as binary, not as raw bytes', () => {
    const binary = Buffer.concat([
      Buffer.from([0, 1, 2]),
      crypto.randomBytes(3000),
    ])
    assert.deepEqual(previewLines(binary), ['(binary content, not shown)'])

    const notUtf8 = Buffer.from(
      Array.from({ length: 400 }, (_, i) => 0x80 + (i % 64)),
    )
    assert.deepEqual(previewLines(notUtf8), ['(binary content, not shown)'])
  })

  it('never passes terminal control characters through', () => {
    const lines = previewLines(
      Buffer.from('\uFEFFline one\x1b[31m red\x07\r\nline\ttwo\n'),
    )
    assert.deepEqual(lines, ['line one?[31m red?', 'line\ttwo'])
    for (const line of lines) assert.doesNotMatch(line, /[\x00-\x08\x1b\x7f]/)
  })

  it('cuts very long lines and keeps at most eight', () => {
    const long = `${'E'.repeat(5000)}\n`.repeat(20)
    const lines = previewLines(Buffer.from(long))
    assert.equal(lines.length, 8)
    for (const line of lines) {
      assert.ok(line.length < 400, `${line.length} characters`)
      assert.match(line, /line cut\)$/)
    }
  })

  it('keeps plain error text exactly', () => {
    const text = 'Row 12: missing Student ID\nRow 40: bad date «2026-13-01»\n'
    assert.deepEqual(previewLines(Buffer.from(text)), [
      'Row 12: missing Student ID',
      'Row 40: bad date «2026-13-01»',
    ])
  })

  it('summarises thousands of left-over folders in a few lines', () => {
    const leftovers = Array.from({ length: 5000 }, (_, i) => ({
      epoch: `20190101-${String(i).padStart(6, '0')}`,
      ageHours: 60000,
    }))
    const report = {
      domain: 'fooisd.org',
      epochs: [
        {
          epoch: '20261203-020000',
          state: 'pending',
          files: [],
          errorFiles: [],
        },
      ],
      leftovers,
    } as unknown as StatusReport

    const lines = statusText(report)
    assert.ok(lines.length < 20, `${lines.length} lines`)
    assert.match(lines.join('\n'), /4990 more left-over folder\(s\).*--json/)
  })
})
