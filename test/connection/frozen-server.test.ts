import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { AppError } from '../../shared/errors'
import { checkConnection } from '../../main/services/connection-check'
import { createContext } from '../../main/services/context'
import { sshdAvailable, startSshd } from '../harness/openssh-server'
import { failOnStrayErrors, homeWithDistrict } from './helpers'

const DOMAIN = 'fooisd.org'

failOnStrayErrors()

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name)
    } catch {
      // already gone
    }
  }
}

describe(
  'a server frozen mid-session',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    it(
      'ends with SERVER_NOT_RESPONDING instead of hanging',
      { timeout: 60_000 },
      async () => {
        const sshd = await startSshd({ accounts: [DOMAIN] })
        after(() => sshd.stop())
        const { home, publicKey } = await homeWithDistrict(
          DOMAIN,
          '127.0.0.1',
          sshd.port,
        )
        sshd.authorize(DOMAIN, publicKey)
        const ctx = createContext(home, { timeouts: { keepaliveMs: 1000 } })
        const frozen: number[] = []
        after(() => {
          signal(frozen, 'SIGCONT')
          signal(frozen, 'SIGKILL')
        })

        // Logged in, SFTP open: freeze this connection's sshd processes just
        // before the folders are read.
        const outcome = await checkConnection(
          ctx,
          DOMAIN,
          { firstUse: true },
          (phase) => {
            if (phase !== 'list-folders') return
            frozen.push(...sshd.connectionPids())
            signal(frozen, 'SIGSTOP')
          },
        ).then(
          () => undefined,
          (error: unknown) => error,
        )

        assert.ok(frozen.length > 0, 'found the connection processes')
        assert.ok(outcome instanceof AppError, String(outcome))
        assert.equal(outcome.code, 'SERVER_NOT_RESPONDING')
        assert.match(outcome.message, /server stopped responding/)
        assert.equal(outcome.extra?.['failedPhase'], 'list-folders')
      },
    )
  },
)
