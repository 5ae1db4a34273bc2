import { AppError, type ErrorCode } from '../../shared/errors'
import type { ServiceContext } from '../services/context'

/**
 * Reads a secret (a passphrase or a password) from standard input: its
 * first line, without the line ending. Secrets never come on the command
 * line, where other users of the machine could see them.
 */
export async function readSecretLine(
  flag: string,
  emptyCode: ErrorCode = 'INVALID_INPUT',
): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)

  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
  if (!line) {
    throw new AppError(
      emptyCode,
      `${flag} was given, but standard input held nothing to read.`,
    )
  }
  return line
}

/** The context with a key passphrase read from stdin, when the flag asks for it. */
export async function withPassphrase(
  ctx: ServiceContext,
  fromStdin: boolean | undefined,
): Promise<ServiceContext> {
  if (!fromStdin) return ctx

  const passphrase = await readSecretLine(
    '--passphrase-stdin',
    'KEY_PASSPHRASE_NEEDED',
  )
  return { ...ctx, passphrase }
}
