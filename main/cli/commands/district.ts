import type { Command } from 'commander'
import { normalizeDomain } from '../../../shared/domain'
import { AppError, toErrorData } from '../../../shared/errors'
import type { DistrictSettings } from '../../../shared/settings-schema'
import { addDistrictLike } from '../../services/district-copy'
import { redactProxyUrl } from '../../services/proxy-tunnel'
import { lastRun } from '../../services/run-history'
import { removeDistrictAndSchedule } from '../../services/schedule/remove-district'
import { districtInput, type DistrictFlags } from '../options'
import type { CommandOutput } from '../output'
import type { CliContext } from '../program'

/** `district add|set|list|show|remove`. */
export function registerDistrictCommands(
  program: Command,
  cli: CliContext,
): void {
  const district = program
    .command('district')
    .description('add, change, list, show or remove districts')

  const withOptions = (command: Command): Command =>
    command
      .option('--name <text>', 'district name as people know it')
      .option('--cdn <NNNNNN>', '6-digit county-district number')
      .option('--host <host>', 'SFTP host (default sftp.samegoal.com)')
      .option('--port <port>', 'SFTP port (default 22)')
      .option(
        '--export-dir <dir>',
        'folder where Ascender writes the export file',
      )
      .option(
        '--pattern <glob>',
        'export file name pattern (default TxEISStudent_*.txt)',
      )
      .option('--at <HH:MM>', 'time of the nightly run (default 02:00)')
      .option(
        '--mode <epoch|direct>',
        'upload into a new epoch folder (default) or straight into /upload',
      )
      .option(
        '--proxy <url>',
        'outbound proxy: socks5://HOST:PORT or http://HOST:PORT (none: connect directly)',
      )

  withOptions(
    district
      .command('add <domain>')
      .description('set up a new district')
      .option(
        '--like <other>',
        'copy server, export folder, pattern, mode, proxy and a staggered time from another district',
      ),
  ).action(
    cli.run(
      async (domain: string, flags: DistrictFlags & { like?: string }) => {
        const settings = flags.like
          ? await addDistrictLike(
              cli.ctx(),
              domain,
              flags.like,
              districtInput(flags),
            )
          : await cli.ctx().store.add(domain, districtInput(flags))
        return districtOutput(settings, [
          `Added district ${settings.domain} (${settings.name}).`,
        ])
      },
    ),
  )

  withOptions(
    district
      .command('set <domain>')
      .description('change a district\u2019s settings'),
  ).action(
    cli.run(async (domain: string, flags: DistrictFlags) => {
      const settings = await cli.ctx().store.set(domain, districtInput(flags))
      return districtOutput(settings, [`Updated district ${settings.domain}.`])
    }),
  )

  district
    .command('list')
    .description('list every district in this home')
    .action(
      cli.run(async () => {
        const { districts, damaged } = await cli.ctx().store.listAll()
        const text = districts.length
          ? districts.map(
              (d) =>
                `${d.domain}\t${d.name}${d.practice ? ' [practice]' : ''}\t${d.key ? d.key.sha256 : 'no key'}`,
            )
          : damaged.length
            ? []
            : [
                `No districts yet in ${cli.ctx().layout.root}. Add one with: district add <domain>`,
              ]
        if (damaged.length === 0) return { json: { districts }, text }

        // One damaged district must not hide the others, nor pass unseen.
        const { extra: _extra, ...failure } = toErrorData(
          new AppError(
            'INVALID_SETTINGS',
            `${damaged.length} district(s) could not be read: ${damaged
              .map((d) => `${d.error.message}`)
              .join(' ')}`,
          ),
        )
        return {
          json: {
            districts,
            damaged: damaged.map((d) => ({
              domain: d.domain,
              code: d.error.code,
              message: d.error.message,
            })),
            ...failure,
          },
          text: [
            ...text,
            ...damaged.map((d) => `DAMAGED ${d.domain}\t${d.error.message}`),
            `What to do: ${failure.whatToDo}`,
          ],
          exitCode: failure.exitCode,
        }
      }),
    )

  district
    .command('show <domain>')
    .description('show one district\u2019s settings and last run')
    .action(
      cli.run(async (domain: string) => {
        const ctx = cli.ctx()
        const settings = await ctx.store.get(domain)
        const run = await lastRun(ctx.layout, settings.domain)
        const base = districtOutput(settings, [])
        const runLine = run
          ? `Last run:      ${run.startedAt} ${run.result}${run.epoch ? ` (${run.epoch})` : ''}`
          : 'Last run:      never'
        return {
          json: { ...base.json, ...(run ? { lastRun: run } : {}) },
          text: [...base.text, runLine],
        }
      }),
    )

  district
    .command('remove <domain>')
    .description(
      'remove a district; its keys and history move to the archive folder',
    )
    .action(
      cli.run(async (domain: string) => {
        const { archivedTo, scheduleRemoved } = await removeDistrictAndSchedule(
          cli.ctx(),
          domain,
        )
        return {
          json: {
            domain: normalizeDomain(domain),
            archivedTo,
            scheduleRemoved,
          },
          text: [
            `Removed ${normalizeDomain(domain)}. Its keys and history were kept in ${archivedTo}.`,
            ...(scheduleRemoved ? ['Its nightly run was removed too.'] : []),
          ],
        }
      }),
    )
}

function districtOutput(
  settings: DistrictSettings,
  intro: string[],
): CommandOutput {
  return {
    json: { district: settings },
    text: [
      ...intro,
      `Domain:        ${settings.domain}`,
      `Name:          ${settings.name}`,
      ...(settings.practice
        ? ['Practice:      yes, on the local practice server only']
        : []),
      `County-dist.:  ${settings.countyDistrict ?? '(not set)'}`,
      `Server:        ${settings.host} port ${settings.port}`,
      `Export folder: ${settings.exportDir ?? '(not set)'}`,
      `File pattern:  ${settings.pattern}`,
      `Nightly at:    ${settings.at} (${settings.mode} mode)`,
      `Key:           ${settings.key ? `${settings.key.type} ${settings.key.sha256}` : 'none yet'}`,
      `Host key:      ${settings.hostKey ? `${settings.hostKey.type} ${settings.hostKey.sha256}` : 'not pinned yet'}`,
      `Proxy:         ${settings.proxy ? redactProxyUrl(settings.proxy) : 'none'}`,
    ],
  }
}
