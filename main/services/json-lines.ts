import fs from 'node:fs/promises'

/**
 * Appends whole lines to a JSON-lines file. A file whose last line was cut
 * short (a crash, a full disk) gets a line break first, so the new record
 * starts a line of its own instead of joining the damaged one, which the
 * reader skips, and being lost with it.
 */
export async function appendJsonLines(
  file: string,
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return
  const text = lines.map((line) => `${line}\n`).join('')
  await fs.appendFile(file, (await endsMidLine(file)) ? `\n${text}` : text, {
    mode: 0o600,
  })
}

async function endsMidLine(file: string): Promise<boolean> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(file, 'r')
  } catch {
    return false
  }
  try {
    const { size } = await handle.stat()
    if (size === 0) return false
    const last = Buffer.alloc(1)
    await handle.read(last, 0, 1, size - 1)
    return last[0] !== 0x0a
  } finally {
    await handle.close()
  }
}
