import { pino, type Logger } from 'pino'

/** A pino logger that keeps its lines in memory, to check what was logged. */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = []
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(line) },
  )
  return { log, lines }
}
