import { createRequire } from 'node:module'

/**
 * Which of ssh2's optional native add-ons loaded. ssh2 falls back to plain
 * JavaScript crypto when its binding is missing (about 1.5x slower), so a
 * failed rebuild never stops the app; the log line says which one runs.
 */

export interface NativeBindings {
  readonly sshCrypto: boolean
  readonly cpuFeatures: boolean
  readonly problem?: string
}

/** Loads ssh2's crypto module and reports whether its binding is in use. */
export function nativeBindings(
  load: (id: string) => unknown = createRequire(import.meta.url),
): NativeBindings {
  let sshCrypto = false
  let problem: string | undefined
  try {
    const crypto = load('ssh2/lib/protocol/crypto.js') as {
      bindingAvailable?: boolean
    }
    sshCrypto = crypto.bindingAvailable === true
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error)
  }

  let cpuFeatures = false
  try {
    load('cpu-features')
    cpuFeatures = true
  } catch {
    // Optional: ssh2 only uses it to order ciphers; left out cleanly.
  }

  return { sshCrypto, cpuFeatures, ...(problem ? { problem } : {}) }
}

/** The startup log line's text. */
export function describeBindings(bindings: NativeBindings): string {
  const crypto = bindings.sshCrypto
    ? 'ssh2 native crypto binding loaded'
    : 'ssh2 native crypto binding not loaded; using the JavaScript fallback'
  const cpu = bindings.cpuFeatures
    ? 'cpu-features loaded'
    : 'cpu-features not present'

  return `${crypto}; ${cpu}`
}
