import { AppError } from '../../shared/errors'

/** SSH wire encoding (RFC 4251 strings and mpints) for key blobs. */

/** Reads SSH strings and mpints one after another from a blob. */
export class SshReader {
  private offset = 0

  constructor(private readonly buffer: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.buffer.length)
      throw damaged('a key field is cut short')
    const length = this.buffer.readUInt32BE(this.offset)
    const start = this.offset + 4
    if (start + length > this.buffer.length)
      throw damaged('a key field is cut short')

    this.offset = start + length
    return this.buffer.subarray(start, start + length)
  }

  mpint(): Buffer {
    const raw = this.string()
    let start = 0
    while (start < raw.length - 1 && raw[start] === 0) start++
    return raw.subarray(start)
  }
}

/** A uint32 length, then the bytes. */
export function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  return Buffer.concat([length, data])
}

/** An unsigned big-endian number as an SSH mpint. */
export function mpint(unsigned: Buffer): Buffer {
  let start = 0
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++
  const trimmed = unsigned.subarray(start)
  const first = trimmed[0] ?? 0

  return sshString(
    first & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed,
  )
}

/** d mod (prime - 1), the CRT exponent an RSA key file may leave out. */
export function modulo(d: Buffer, prime: Buffer): Buffer {
  const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`)
  let hex = (big(d) % (big(prime) - 1n)).toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return Buffer.from(hex, 'hex')
}

/** Base64url, as JWK wants it. */
export function b64u(data: Buffer): string {
  return data.toString('base64url')
}

/** A refusal naming what is wrong with the file. */
export function damaged(reason: string, cause?: unknown): AppError {
  return new AppError(
    'INVALID_KEY',
    `This PuTTY key file is damaged: ${reason}.`,
    cause === undefined ? {} : { cause },
  )
}
