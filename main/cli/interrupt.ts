/**
 * Ctrl-C, or a scheduler's stop request (systemd, launchd and Task
 * Scheduler send SIGTERM or its like), cancels an upload cleanly: the
 * partial file is removed, no COMPLETE is written, and the run is recorded.
 */
export async function withInterruptAsCancel<T>(
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)

  try {
    return await work(controller.signal)
  } finally {
    process.off('SIGINT', cancel)
    process.off('SIGTERM', cancel)
  }
}
