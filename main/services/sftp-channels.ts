import type { SFTPWrapper } from 'ssh2'
import type { Logger } from './logger'
import { performance } from 'node:perf_hooks'
import { UPLOAD_DIR } from './remote-folders'
import { statRemote, type Remote } from './remote-ops'

/**
 * Extra SFTP channels on the run's one SSH connection. Each channel has
 * its own flow-control window (2 MiB on OpenSSH), which on a long link
 * caps what one channel keeps in flight; several channels writing
 * different parts of the same file lift that cap without a second login.
 * A server that grants fewer channels simply gets fewer.
 */

export interface ChannelPool {
  /** The connection's own channel first, then the extra ones granted. */
  readonly ready: Promise<SFTPWrapper[]>
  /** Ends the extra channels; the connection's own one stays open. */
  close(): void
}

// Another channel pays off once the file is larger than one window, and
// once the link is long enough that one window no longer fills it: about
// one channel per 15 ms of round trip. On a LAN one channel is fastest.
const CHANNEL_SHARE_BYTES = 2 * 1024 * 1024
const MS_PER_CHANNEL = 15

/** How many channels suit this link, from one timed request. */
export async function channelsForLink(
  remote: Remote,
  wanted: number,
  log: Logger,
): Promise<number> {
  const started = performance.now()
  await statRemote(remote, UPLOAD_DIR)
  const roundTripMs = performance.now() - started
  const channels = Math.max(
    1,
    Math.min(wanted, Math.ceil(roundTripMs / MS_PER_CHANNEL)),
  )

  log.info({ roundTripMs: Math.round(roundTripMs), channels }, 'link measured')
  return channels
}

/** Starts opening the channels a file of this size is worth, all at once. */
export function openChannelPool(
  remote: Remote,
  bytes: number,
  wanted: number,
  log: Logger,
): ChannelPool {
  const worth = Math.min(wanted, Math.ceil(bytes / CHANNEL_SHARE_BYTES))
  const asked = Array.from({ length: Math.max(0, worth - 1) }, () =>
    openChannel(remote),
  )

  const ready = Promise.allSettled(asked).then((answers) => {
    const extra = answers.flatMap((a) =>
      a.status === 'fulfilled' ? [a.value] : [],
    )
    const refused = answers.find((a) => a.status === 'rejected')
    if (refused) {
      log.info(
        {
          granted: extra.length + 1,
          wanted: worth,
          reason: String(refused.reason),
        },
        'fewer SFTP channels granted',
      )
    }
    return [remote.sftp, ...extra]
  })

  return {
    ready,
    close: () => {
      void ready.then((channels) => {
        for (const extra of channels.slice(1)) extra.end()
      })
    },
  }
}

function openChannel(remote: Remote): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('no answer to a new SFTP channel')),
      remote.timeoutMs,
    )
    try {
      remote.client.sftp((error, sftp) => {
        clearTimeout(timer)
        if (error) reject(error)
        else resolve(sftp)
      })
    } catch (error) {
      clearTimeout(timer)
      reject(error)
    }
  })
}
