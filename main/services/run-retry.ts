import pRetry from 'p-retry'
import { AppError, type ErrorCode } from '../../shared/errors'
import type { Logger } from './logger'
import { isServerStatus, SFTP_STATUS, statusOf } from './remote-ops'

/**
 * Retries for the network's sake only. A dropped, reset or stalled
 * connection is tried again after a growing pause, a bounded number of
 * times; anything the server or the checks answered (permission denied,
 * a refused key, a file that did not verify) fails at once, because
 * trying again would only repeat it.
 */

const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONNECTION_LOST',
  'CONNECTION_REFUSED',
  'NO_ANSWER',
  'NO_SSH_GREETING',
  'HANDSHAKE_FAILED',
  'NETWORK_STALLED',
])

export interface RetryOptions {
  readonly retries: number
  readonly delayMs: number
  readonly log: Logger
  readonly signal?: AbortSignal
  readonly onRetry?: (attempt: number, error: AppError) => void
}

/** Runs `work`, retrying transient failures; says how many retries it took. */
export async function withRetries<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<{ value: T; retries: number }> {
  let retries = 0

  const value = await pRetry(
    async (attempt) => {
      try {
        return await work(attempt)
      } catch (error) {
        throw asAppError(error)
      }
    },
    {
      retries: options.retries,
      minTimeout: options.delayMs,
      maxTimeout: Math.max(options.delayMs, options.delayMs * 8),
      factor: 2,
      shouldRetry: (error) =>
        !options.signal?.aborted && isTransient(error as unknown as AppError),
      onFailedAttempt: (error) => {
        const app = error as unknown as AppError
        if (!isTransient(app) || error.retriesLeft === 0) return

        retries++
        options.log.warn(
          {
            attempt: error.attemptNumber,
            code: app.code,
            details: app.details,
          },
          `attempt failed, retrying: ${app.message}`,
        )
        options.onRetry?.(error.attemptNumber, app)
      },
    },
  )
  return { value, retries }
}

/** True for a failure the network caused, which another attempt may cure. */
export function isTransient(error: AppError): boolean {
  return error instanceof AppError && TRANSIENT.has(error.code)
}

/** Names a raw SFTP or socket failure in the product's own terms. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error

  const status = statusOf(error)
  if (status === SFTP_STATUS.PERMISSION_DENIED) {
    return new AppError(
      'UPLOAD_NOT_PERMITTED',
      'The server did not allow writing in /upload (permission denied).',
      { cause: error },
    )
  }
  if (isServerStatus(error)) {
    return new AppError(
      'TRANSFER_FAILED',
      `The server refused part of the upload (SFTP status ${status}${status === SFTP_STATUS.FAILURE ? ': a generic failure, most often a full disk or quota on the server' : ''}).`,
      { cause: error },
    )
  }
  return new AppError(
    'CONNECTION_LOST',
    'The connection to the server dropped during the upload.',
    { cause: error },
  )
}
