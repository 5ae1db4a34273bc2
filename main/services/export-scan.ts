import { isUtf8 } from 'node:buffer'
import fs from 'node:fs'
import { AppError } from '../../shared/errors'

/**
 * Reads an export file once, front to back, in fixed-size chunks, and
 * learns what can safely be known without its layout: whether it is plain
 * text, which encoding, which field separator, and whether every record
 * has the same number of fields. Memory use does not grow with the file.
 */

export interface ScanResult {
  readonly encoding: 'utf-8' | 'windows-1252'
  readonly delimiter: string
  readonly fields: number
  /** Non-blank lines, the header included. */
  readonly lines: number
  readonly firstLine: string
}

const CANDIDATES = ['\t', '|', ',', ';'] as const
const CHUNK_BYTES = 256 * 1024
const BAD_LINES_SHOWN = 5

const SIGNATURES: ReadonlyArray<readonly [number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (an .xlsx spreadsheet is one)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an Excel (.xls) or other Office file'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0xff, 0xfe], 'UTF-16 text'],
  [[0xfe, 0xff], 'UTF-16 text'],
]

/**
 * Scans the file's first `bytes` bytes (its size when picked: what will be
 * sent); throws EXPORT_INVALID with the reason on a bad one.
 */
export async function scanExport(
  file: string,
  name: string,
  bytes: number,
): Promise<ScanResult> {
  const scanner = new RecordScanner(name)

  for await (const chunk of fs.createReadStream(file, {
    highWaterMark: CHUNK_BYTES,
    end: Math.max(0, bytes - 1),
  })) {
    scanner.push(chunk as Buffer)
  }
  return scanner.finish()
}

/** Names a separator the way a technician would say it. */
export function delimiterName(delimiter: string): string {
  if (delimiter === '\t') return 'tab'
  if (delimiter === ',') return 'comma'

  return delimiter
}

class RecordScanner {
  private isUtf8 = true
  private carry: Buffer = Buffer.alloc(0)
  private started = false
  private delimiter = -1
  private expected = 0
  private head: Buffer[] = []
  private headBytes = 0
  private firstLine = ''

  private line = 1
  private lines = 0
  private fields = 1
  private lineHasText = false
  private inQuotes = false
  private closedQuoteLast = false
  private fieldStart = true
  private controls = 0
  private readonly bad: number[] = []
  private badCount = 0

  constructor(private readonly name: string) {}

  push(chunk: Buffer): void {
    this.checkEncoding(chunk, false)
    if (this.delimiter >= 0) return this.scan(chunk)

    // Collect the first line before choosing the separator.
    this.head.push(chunk)
    this.headBytes += chunk.length
    const joined = Buffer.concat(this.head)
    if (joined.indexOf(0x0a) >= 0 || this.headBytes > 1024 * 1024)
      this.begin(joined)
  }

  finish(): ScanResult {
    this.checkEncoding(Buffer.alloc(0), true)
    if (this.delimiter < 0) this.begin(Buffer.concat(this.head))
    if (this.lineHasText) this.endLine()

    if (this.controls > 8) this.refuse('it holds binary data')
    if (this.lines === 0) this.refuse('it holds no records')
    if (this.badCount > 0) this.refuseUneven()

    return {
      encoding: this.isUtf8 ? 'utf-8' : 'windows-1252',
      delimiter: String.fromCharCode(this.delimiter),
      fields: this.expected,
      lines: this.lines,
      firstLine: this.firstLine,
    }
  }

  private begin(head: Buffer): void {
    this.head = []
    this.started = true
    for (const [magic, what] of SIGNATURES) {
      if (magic.every((byte, i) => head[i] === byte))
        this.refuse(`it is ${what}, not a plain-text export`)
    }

    if (head.includes(0)) this.refuse('it holds binary data (zero bytes)')

    const start =
      head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
    const end = head.indexOf(0x0a)
    const first = head
      .subarray(start, end < 0 ? head.length : end)
      .toString('latin1')
      .replace(/\r$/, '')
    this.firstLine = first
    this.delimiter = chooseDelimiter(first, this.name)
    this.scan(head.subarray(start))
  }

  // The hot loop of a 500 MB scan: state lives in locals and is written
  // back once per chunk, which keeps it several times faster.
  private scan(chunk: Buffer): void {
    if (chunk.includes(0)) this.refuse('it holds binary data (zero bytes)')

    const delimiter = this.delimiter
    let { inQuotes, fields, fieldStart, lineHasText, line, lines, controls } =
      this
    let expected = this.expected
    // Where the quote that last closed a quoted field was (-1: the last
    // byte of the chunk before), so that "" inside one stays in it.
    let closedAt = this.closedQuoteLast ? -1 : -2

    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number
      if (byte > 0x22 && byte !== delimiter && !inQuotes) {
        // Most bytes: ordinary text.
        fieldStart = false
        lineHasText = true
      } else if (inQuotes) {
        if (byte === 0x22) {
          inQuotes = false
          closedAt = i
        } else if (byte === 0x0a) line++
      } else if (byte === 0x22 && closedAt === i - 1) {
        inQuotes = true
      } else if (byte === 0x0a) {
        if (lineHasText) {
          lines++
          if (expected === 0) expected = fields
          else if (fields !== expected) this.badLine(line)
        }
        line++
        fields = 1
        lineHasText = false
        fieldStart = true
      } else if (byte === delimiter) {
        fields++
        fieldStart = true
        lineHasText = true
      } else if (byte !== 0x0d) {
        if (byte === 0x22 && fieldStart) inQuotes = true
        else if (byte < 0x20 && byte !== 0x09) controls++
        fieldStart = false
        lineHasText = true
      }
    }
    this.closedQuoteLast = closedAt === chunk.length - 1
    Object.assign(this, { inQuotes, fields, fieldStart, lineHasText })
    Object.assign(this, { line, lines, controls, expected })
  }

  private badLine(line: number): void {
    this.badCount++
    if (this.bad.length < BAD_LINES_SHOWN) this.bad.push(line)
  }

  private endLine(): void {
    if (this.lineHasText) {
      this.lines++
      if (this.expected === 0) this.expected = this.fields
      else if (this.fields !== this.expected) this.badLine(this.line)
    }
    this.line++
    this.fields = 1
    this.lineHasText = false
    this.fieldStart = true
  }

  // A character split across two chunks is carried into the next one.
  // Anything that is not UTF-8 is Windows-1252, which gives every byte a
  // meaning, so the file stays text either way.
  private checkEncoding(chunk: Buffer, final: boolean): void {
    if (!this.isUtf8) return

    const data =
      this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk
    const cut = final ? data.length : completeUpTo(data)
    this.carry = Buffer.from(data.subarray(cut))
    if (!isUtf8(data.subarray(0, cut))) this.isUtf8 = false
  }

  private refuseUneven(): never {
    const shown = this.bad.join(', ')
    const more =
      this.badCount > this.bad.length
        ? ` and ${this.badCount - this.bad.length} more`
        : ''
    this.refuse(
      `not every record has ${this.expected} fields like the first line: line${this.bad.length > 1 ? 's' : ''} ${shown}${more} differ`,
      { badLines: this.bad, badLineCount: this.badCount },
    )
  }

  private refuse(reason: string, extra: Record<string, unknown> = {}): never {
    const started = this.started ? {} : { atStart: true }
    throw new AppError(
      'EXPORT_INVALID',
      `The export file ${this.name} was refused: ${reason}.`,
      { extra: { ...extra, ...started } },
    )
  }
}

// Where the last complete UTF-8 character ends: an unfinished sequence
// of at most three bytes at the very end is left for the next chunk.
function completeUpTo(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back] as number
    if ((byte & 0xc0) === 0x80) continue

    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needs > back ? data.length - back : data.length
  }
  return data.length
}

// The separator is the candidate that appears most often in the first line;
// a first line with none of them is not a delimited export.
function chooseDelimiter(firstLine: string, name: string): number {
  let best = ''
  let bestCount = 0

  for (const candidate of CANDIDATES) {
    const count = firstLine.split(candidate).length - 1
    if (count > bestCount) {
      best = candidate
      bestCount = count
    }
  }
  if (!best) {
    throw new AppError(
      'EXPORT_INVALID',
      `The export file ${name} was refused: its first line has no field separator (tab, |, comma or semicolon).`,
    )
  }
  return best.charCodeAt(0)
}
