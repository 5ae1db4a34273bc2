/**
 * What the handlers need from the desktop that plain Node cannot do.
 * Electron provides the real one; tests use a recording double.
 */
export interface Desktop {
  copyText(text: string): void
  notify(title: string, body: string): void
  /** Opens a file in its default app (an .eml draft in the mail client). */
  openPath?(file: string): Promise<boolean>
  /** Opens a mailto: link in the default mail client. */
  openExternal?(url: string): Promise<boolean>
}

/** A desktop that records what it was asked to do, for tests and headless use. */
export class RecordingDesktop implements Desktop {
  readonly copied: string[] = []
  readonly notifications: { title: string; body: string }[] = []
  readonly opened: string[] = []

  copyText(text: string): void {
    this.copied.push(text)
  }

  notify(title: string, body: string): void {
    this.notifications.push({ title, body })
  }

  async openPath(file: string): Promise<boolean> {
    this.opened.push(file)
    return true
  }

  async openExternal(url: string): Promise<boolean> {
    this.opened.push(url)
    return true
  }
}
