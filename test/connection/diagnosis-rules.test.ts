import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DistrictSettings } from '../../shared/settings-schema'
import { AppError } from '../../shared/errors'
import {
  domainLooksWrong,
  explainAuthRefusal,
  keySyncWindow,
} from '../../main/services/auth-diagnosis'
import { connectionSettings } from '../../main/services/connection-settings'
import { createContext } from '../../main/services/context'
import { parseProxyUrl, redactProxyUrl } from '../../main/services/proxy-tunnel'

const NOW = new Date('2026-03-02T10:00:00Z')

function district(fields: Partial<DistrictSettings> = {}): DistrictSettings {
  return {
    version: 1,
    domain: 'fooisd.org',
    name: 'Foo ISD',
    host: 'sftp.samegoal.com',
    port: 22,
    pattern: 'TxEISStudent_*.txt',
    at: '02:00',
    mode: 'epoch',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...fields,
  }
}

describe('the rules behind the connection diagnosis', () => {
  it('flags usernames that look like host names, not district domains', () => {
    const host = 'sftp.samegoal.com'
    assert.equal(domainLooksWrong('fooisd.org', host), false)
    assert.equal(domainLooksWrong('barcisd.net', host), false)
    assert.equal(domainLooksWrong('www.fooisd.org', host), true)
    assert.equal(domainLooksWrong('sftp.samegoal.com', host), true)
    assert.equal(domainLooksWrong('fooisd.orgg', host), true)
  })

  it('places a key in the 60-minute window only from when it was shared', () => {
    const shared = (minutesAgo: number) =>
      district({
        keyShared: {
          at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
          route: 'email',
        },
      })

    assert.deepEqual(keySyncWindow(district(), NOW), {
      withinWindow: false,
      minutesLeft: 0,
    })
    assert.equal(keySyncWindow(shared(20), NOW).withinWindow, true)
    assert.equal(keySyncWindow(shared(20), NOW).minutesLeft, 40)
    assert.equal(keySyncWindow(shared(61), NOW).withinWindow, false)
  })

  it('ranks a shared key that is not the key in use, and an installed one', () => {
    const refused = new AppError('AUTH_REFUSED', 'The server refused the key.')
    const key = {
      type: 'ed25519' as const,
      bits: 256,
      file: 'id_ed25519',
      publicKey: 'ssh-ed25519 AAAA',
      comment: '',
      sha256: 'SHA256:current',
      md5: 'MD5:00',
      createdAt: NOW.toISOString(),
      source: 'generated' as const,
    }
    const at = new Date(NOW.getTime() - 10 * 60_000).toISOString()
    const causes = (settings: DistrictSettings) =>
      (
        explainAuthRefusal(refused, settings, NOW).extra?.['likelyCauses'] as {
          cause: string
        }[]
      ).map((c) => c.cause)

    const stale = district({
      key,
      keyShared: { at, route: 'email', sha256: 'SHA256:older' },
    })
    const installed = district({
      key,
      keyShared: { at, route: 'web', sha256: key.sha256, installedAt: at },
    })

    assert.equal(causes(stale)[0], 'not-shared')
    assert.equal(causes(installed)[0], 'other-account')

    // A practice domain is made up; its key waits for the sync delay only.
    const practice = {
      ...district({ key, keyShared: { at, route: 'practice' } }),
      domain: 'rehearsal-isd.example',
      practice: true,
    }
    const practiceCauses = explainAuthRefusal(refused, practice, NOW).extra?.[
      'likelyCauses'
    ] as { cause: string; text: string }[]
    assert.equal(practiceCauses[0]?.cause, 'not-installed-yet')
    assert.match(practiceCauses[0]?.text ?? '', /sync delay/)
    assert.doesNotMatch(practiceCauses[0]?.text ?? '', /60 minutes/)
  })

  it('takes time limits from the flag, then the context, then the district', () => {
    const ctx = createContext('/nonexistent', {
      timeouts: { greetingMs: 2000 },
    })
    const settings = district({
      timeouts: { connect: 5, greeting: 7, keepalive: 20 },
      proxy: 'socks5://127.0.0.1:1080',
    })

    const chosen = connectionSettings(ctx, settings, { connectMs: 1000 })

    assert.deepEqual(chosen.timeouts, {
      connectMs: 1000,
      greetingMs: 2000,
      keepaliveMs: 20_000,
    })
    assert.deepEqual(chosen.proxy, {
      kind: 'socks5',
      host: '127.0.0.1',
      port: 1080,
    })
  })

  it('reads proxy URLs and hides their passwords', () => {
    assert.deepEqual(parseProxyUrl('http://tech:p%40ss@proxy.esc.net:3128'), {
      kind: 'http',
      host: 'proxy.esc.net',
      port: 3128,
      username: 'tech',
      password: 'p@ss',
    })
    assert.throws(() => parseProxyUrl('ftp://proxy:21'), /socks5:\/\/HOST:PORT/)
    assert.throws(() => parseProxyUrl('socks5://proxy'), /INVALID|socks5/)
    assert.equal(
      redactProxyUrl('http://tech:p%40ss@proxy.esc.net:3128'),
      'http://tech:***@proxy.esc.net:3128',
    )
  })
})
