import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { FleetRow } from '../../shared/status-reports'
import { createContext } from '../../main/services/context'
import { tempDir } from '../harness/cli'
import { cliInProcess } from '../harness/in-process-cli'
import {
  freePort,
  sshdAvailable,
  startSshd,
  type SshdServer,
} from '../harness/openssh-server'
import {
  COMPLETE,
  districtOnServer,
  epochHoursAgo,
  epochOnDisk,
  EXPORT,
  hoursAgo,
  studentsCsv,
  uploadedRun,
} from './fixtures'

const ACCOUNTS = ['okisd.org', 'failisd.org', 'waitisd.org', 'quietisd.org']
const ALL_ACCOUNTS = [...ACCOUNTS, 'refusedisd.org']

describe(
  'status --all over a fleet with mixed states on one server',
  { skip: !sshdAvailable() && 'needs root and openssh-server' },
  () => {
    let server: SshdServer
    let home: string
    let rows: Map<string, FleetRow>
    let result: Awaited<ReturnType<typeof cliInProcess>>

    before(async () => {
      server = await startSshd({ accounts: ALL_ACCOUNTS })
      home = tempDir('sg-fleet')
      const ctx = createContext(home)
      const now = new Date()
      for (const domain of ACCOUNTS) await districtOnServer(ctx, server, domain)
      await districtOnServer(ctx, server, 'downisd.org', await freePort())
      await ctx.store.add('newisd.org', { name: 'New ISD' })
      // A key shared but not installed yet, and nothing uploaded.
      await districtOnServer(ctx, server, 'refusedisd.org')
      fs.writeFileSync(
        path.join(server.dir, 'authorized', 'refusedisd.org'),
        '',
      )

      const processed = (domain: string, hours: number) => {
        const epoch = epochHoursAgo(now, hours)
        epochOnDisk(server, domain, 'upload-processed', epoch, {
          ...EXPORT,
          ...COMPLETE,
          'students.csv': studentsCsv(2),
        })
        return uploadedRun(ctx, domain, hoursAgo(now, hours), { epoch })
      }
      await processed('okisd.org', 3)
      await ctx.store.update('okisd.org', (d) => ({
        ...d,
        scheduled: { backend: 'cron', installedAt: now.toISOString() },
      }))

      const failed = epochHoursAgo(now, 5)
      epochOnDisk(server, 'failisd.org', 'upload-processed', failed, {
        ...EXPORT,
        ...COMPLETE,
        'errors.txt': 'No valid student records.\n',
      })
      await uploadedRun(ctx, 'failisd.org', hoursAgo(now, 5), { epoch: failed })

      const waiting = epochHoursAgo(now, 1)
      epochOnDisk(server, 'waitisd.org', 'upload', waiting, {
        ...EXPORT,
        ...COMPLETE,
      })
      await uploadedRun(ctx, 'waitisd.org', hoursAgo(now, 1), {
        epoch: waiting,
      })

      await processed('quietisd.org', 80)
      await uploadedRun(ctx, 'downisd.org', hoursAgo(now, 2), {
        epoch: epochHoursAgo(now, 2),
      })

      const broken = ctx.layout.settingsFile('brokenisd.org')
      fs.mkdirSync(path.dirname(broken), { recursive: true })
      fs.writeFileSync(broken, '{ "version": 1, "domain": ')

      result = await cliInProcess(home, ['status', '--all', '--json'])
      const districts = result.json['districts'] as FleetRow[]
      rows = new Map(districts.map((r) => [r.domain, r]))
    })
    after(async () => {
      await server?.stop()
      fs.rmSync(home, { recursive: true, force: true })
    })

    async function offlineRow(domain: string): Promise<FleetRow | undefined> {
      const offline = await cliInProcess(home, [
        'status',
        '--all',
        '--offline',
        '--json',
      ])
      return (offline.json['districts'] as FleetRow[]).find(
        (r) => r.domain === domain,
      )
    }

    it('shows each district in its own state', () => {
      assert.equal(rows.get('okisd.org')?.state, 'ok')
      assert.equal(rows.get('failisd.org')?.state, 'failed')
      assert.equal(rows.get('failisd.org')?.code, 'PROCESSING_FAILED')
      assert.equal(rows.get('waitisd.org')?.state, 'pending')
      assert.equal(rows.get('quietisd.org')?.state, 'stale')
      assert.equal(rows.get('newisd.org')?.state, 'new')
    })

    it('tests the connection of a district with a key and nothing uploaded yet', async () => {
      // Still being set up: shown with its reason, not as an alert.
      const refused = rows.get('refusedisd.org')
      assert.equal(refused?.state, 'new')
      assert.equal(refused?.code, 'AUTH_REFUSED')
      assert.equal(refused?.connection?.ok, false)

      // Offline, the recorded test says the same.
      const again = await offlineRow('refusedisd.org')
      assert.equal(again?.state, 'new')
      assert.equal(again?.code, 'AUTH_REFUSED')
    })

    it('marks only the unreachable district, with its own error code', () => {
      const down = rows.get('downisd.org')
      assert.equal(down?.state, 'unreachable')
      assert.equal(down?.code, 'CONNECTION_REFUSED')
      assert.equal(down?.connection?.ok, false)
      assert.equal(rows.get('okisd.org')?.connection?.ok, true)
    })

    it('marks a district with damaged settings without failing the others', () => {
      const broken = rows.get('brokenisd.org')
      assert.equal(broken?.state, 'unreachable')
      assert.equal(broken?.code, 'INVALID_SETTINGS')
    })

    it('gives the facts a technician reads at a glance', () => {
      const ok = rows.get('okisd.org')
      assert.equal(ok?.lastRun?.result, 'success')
      assert.ok((ok?.lastProcessed?.ageHours ?? 99) < 4)
      assert.match(ok?.keyFingerprint ?? '', /^SHA256:/)
      assert.ok(new Date(ok?.nextRun ?? 0).getTime() > Date.now())
      assert.equal(rows.get('waitisd.org')?.nextRun, '', 'not scheduled')
      assert.equal(rows.size, 8)
    })

    it('exits non-zero with FLEET_ATTENTION when any district needs attention', () => {
      assert.equal(result.code, 12)
      assert.equal(result.json['ok'], false)
      assert.equal(result.json['code'], 'FLEET_ATTENTION')
    })

    it('filters by state and still answers offline', async () => {
      const only = await cliInProcess(home, [
        'status',
        '--all',
        '--offline',
        '--state',
        'ok,pending',
        '--json',
      ])
      const domains = (only.json['districts'] as FleetRow[]).map(
        (r) => r.domain,
      )
      assert.deepEqual(domains.sort(), ['okisd.org', 'waitisd.org'])
      assert.equal(only.json['probed'], false)
    })

    it('offline, a failed connection older than the last run does not outweigh it', async () => {
      const layout = createContext(home).layout
      fs.writeFileSync(
        path.join(layout.districtDir('okisd.org'), 'connection.json'),
        JSON.stringify({
          at: hoursAgo(new Date(), 30).toISOString(),
          ok: false,
          code: 'AUTH_REFUSED',
          message: 'refused last week',
          via: 'check',
        }),
      )
      const ok = await offlineRow('okisd.org')
      assert.equal(ok?.state, 'ok', JSON.stringify(ok))
    })
  },
)
