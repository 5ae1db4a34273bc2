/**
 * What the handlers need from the desktop that plain Node cannot do.
 * Electron provides the real one; tests use a recording double.
 */
export interface Desktop {
  copyText(text: string): void
  notify(title: string, body: string): void
}

/** A desktop that records what it was asked to do, for tests and headless use. */
export class RecordingDesktop implements Desktop {
  readonly copied: string[] = []
  readonly notifications: { title: string; body: string }[] = []

  copyText(text: string): void {
    this.copied.push(text)
  }

  notify(title: string, body: string): void {
    this.notifications.push({ title, body })
  }
}
