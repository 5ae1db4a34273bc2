import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../../shared/errors'
import type { ScheduleBackend } from '../../../shared/schedule'
import {
  cronMarkers,
  editCrontab,
  readCronBlock,
  readCrontab,
  removeCrontab,
  renderCronBlock,
  writeCrontab,
} from './linux-cron'
import {
  installUnits,
  queryUnits,
  removeUnits,
  renderUnits,
  unitNames,
} from './linux-systemd'
import type { PlatformScheduler, SchedulerHost } from './platform'

/**
 * Linux: a systemd user timer where the user manager runs while the user
 * is logged out (lingering); otherwise a crontab block, which cron runs
 * whether or not anyone is logged in. The choice and its consequences are
 * reported as warnings, so no run is promised that cannot happen.
 */

export type LinuxBackend = Extract<ScheduleBackend, 'systemd' | 'cron'>

export interface LinuxFacts {
  readonly userManager: boolean
  readonly lingering: boolean
  readonly cronRunning: boolean
}

/** Finds out what this machine offers: user manager, lingering, cron. */
export async function linuxFacts(host: SchedulerHost): Promise<LinuxFacts> {
  const manager = await host.runner('systemctl', ['--user', 'show-environment'])
  const linger = await host.runner('loginctl', [
    'show-user',
    String(host.uid),
    '--property=Linger',
    '--value',
  ])

  return {
    userManager: manager.code === 0,
    lingering: linger.code === 0 && linger.stdout.trim() === 'yes',
    cronRunning: processRunning(['cron', 'crond']),
  }
}

/** The backend to use: a timer only where it keeps running logged out. */
export function chooseLinuxBackend(facts: LinuxFacts): LinuxBackend {
  return facts.userManager && facts.lingering ? 'systemd' : 'cron'
}

/** What the technician must know about runs with this backend here. */
export function linuxWarnings(
  backend: LinuxBackend,
  facts: LinuxFacts,
  userName: string,
): string[] {
  if (backend === 'systemd') return []

  const warnings = [
    'cron does not catch up a night missed while the computer was off or asleep; that night is skipped.',
  ]
  if (!facts.cronRunning) {
    warnings.push(
      'The cron service is not running on this computer, so the entry will not run until it is started (for example: systemctl enable --now cron).',
    )
  }
  if (facts.userManager && !facts.lingering) {
    warnings.push(
      `A systemd timer would stop while ${userName} is logged out, so cron is used. For a timer that catches up missed nights, run "loginctl enable-linger ${userName}" and install again.`,
    )
  }
  return warnings
}

/** The Linux module for one backend. */
export function linuxScheduler(
  host: SchedulerHost,
  backend: LinuxBackend,
  facts: LinuxFacts,
): PlatformScheduler {
  const common = {
    platform: 'linux' as const,
    backend,
    warnings: async () => linuxWarnings(backend, facts, host.userName),
  }

  if (backend === 'systemd') {
    return {
      ...common,
      name: (domain) => unitNames(domain).timer,
      render: (spec) => {
        const names = unitNames(spec.domain)
        const units = renderUnits(spec)
        const dir = path.join(host.userHome, '.config', 'systemd', 'user')
        return [
          {
            name: names.service,
            path: path.join(dir, names.service),
            content: units.service,
          },
          {
            name: names.timer,
            path: path.join(dir, names.timer),
            content: units.timer,
          },
        ]
      },
      install: async (spec) => {
        await installUnits(host, spec)
        return []
      },
      remove: (domain) => removeUnits(host, domain),
      query: (domain) => queryUnits(host, domain),
    }
  }

  return {
    ...common,
    name: (domain) => cronMarkers(domain).begin,
    render: (spec) => [{ name: 'crontab', content: renderCronBlock(spec) }],
    install: async (spec) => {
      // An entry cron never reads is a schedule that never runs.
      if (!facts.cronRunning) throw cronNotRunning()
      fs.mkdirSync(spec.logsDir, { recursive: true })
      const current = await readCrontab(host)
      await writeCrontab(
        host,
        editCrontab(current, spec.domain, renderCronBlock(spec)),
      )
      return linuxWarnings(backend, facts, host.userName)
    },
    remove: async (domain) => {
      const current = await readCrontab(host)
      if (!readCronBlock(current, domain)) return false

      const rest = editCrontab(current, domain, undefined)
      // Nothing else was in it: no crontab at all, as before the install.
      if (rest.trim() === '') await removeCrontab(host)
      else await writeCrontab(host, rest)
      return true
    },
    query: async (domain) => readCronBlock(await readCrontab(host), domain),
  }
}

function cronNotRunning(): AppError {
  return new AppError(
    'SCHEDULER_UNAVAILABLE',
    'The cron service is not running on this computer, so a crontab entry would never run; nothing was registered. Start cron (for example: systemctl enable --now cron), then install the schedule again.',
  )
}

// Reads /proc directly: no tool on PATH is needed to see a running daemon.
function processRunning(names: readonly string[]): boolean {
  let entries: string[]
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return false
  }
  return entries.some((pid) => {
    try {
      const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      return names.includes(comm)
    } catch {
      return false
    }
  })
}
