import fs from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { isDnsName, normalizeDomain } from '../../shared/domain'
import { AppError } from '../../shared/errors'
import {
  DISTRICT_DEFAULTS,
  SETTINGS_VERSION,
  districtSettingsSchema,
  type DistrictSettings,
} from '../../shared/settings-schema'
import {
  assertPracticeStaysLocal,
  assertStillPractice,
} from '../practice/practice-guard'
import { acquireLock, LockHeldError, withLock } from './file-lock'
import { HomeLayout } from './home'

/** The fields a technician may set when adding or changing a district. */
export type DistrictInput = Partial<
  Pick<
    DistrictSettings,
    | 'name'
    | 'countyDistrict'
    | 'host'
    | 'port'
    | 'exportDir'
    | 'pattern'
    | 'at'
    | 'mode'
    | 'practice'
    | 'proxy'
  >
>

/**
 * District settings, one JSON file per district. Every change is a locked
 * read-modify-write with an atomic replace, so the wizard and a nightly run
 * can touch the same home without losing either's changes.
 */
export class DistrictStore {
  readonly layout: HomeLayout

  constructor(home: string) {
    this.layout = new HomeLayout(home)
  }

  /** All districts, sorted by domain; the first damaged one throws. */
  async list(): Promise<DistrictSettings[]> {
    const { districts, damaged } = await this.listAll()
    if (damaged[0]) throw damaged[0].error

    return districts
  }

  /** Every district that reads, and apart from them each one that does not. */
  async listAll(): Promise<{
    districts: DistrictSettings[]
    damaged: { domain: string; error: AppError }[]
  }> {
    let names: string[]
    try {
      names = await fs.readdir(this.layout.districtsDir)
    } catch {
      return { districts: [], damaged: [] }
    }

    const districts: DistrictSettings[] = []
    const damaged: { domain: string; error: AppError }[] = []
    for (const name of names.sort()) {
      // A copied or renamed folder ("fooisd.org copy") is not a district.
      if (!isDnsName(name)) continue
      const file = this.layout.settingsFile(name)
      if (!(await exists(file))) continue
      try {
        districts.push(await this.readFile(file, name))
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        damaged.push({ domain: name, error })
      }
    }
    return { districts, damaged }
  }

  /** One district, or UNKNOWN_DISTRICT. */
  async get(domainInput: string): Promise<DistrictSettings> {
    const domain = normalizeDomain(domainInput)
    const file = this.layout.settingsFile(domain)

    if (!(await exists(file))) {
      throw new AppError(
        'UNKNOWN_DISTRICT',
        `No district "${domain}" is set up in this home.`,
      )
    }
    return this.readFile(file, domain)
  }

  /** Adds a district with defaults for everything not given. */
  async add(
    domainInput: string,
    input: DistrictInput,
    now = new Date(),
  ): Promise<DistrictSettings> {
    const domain = normalizeDomain(domainInput)
    const file = this.layout.settingsFile(domain)

    return withLock(this.lockTarget(domain), async () => {
      if (await exists(file)) {
        throw new AppError(
          'DISTRICT_EXISTS',
          `District "${domain}" is already set up.`,
        )
      }
      const stamp = now.toISOString()
      const settings = validate(file, {
        version: SETTINGS_VERSION,
        domain,
        name: input.name ?? domain,
        ...DISTRICT_DEFAULTS,
        ...withoutUndefined(input),
        createdAt: stamp,
        updatedAt: stamp,
      })
      assertPracticeStaysLocal(settings)
      await this.writeFile(file, settings)
      return settings
    })
  }

  /** Applies a change to a district under its lock and saves it. */
  async update(
    domainInput: string,
    change: (current: DistrictSettings) => DistrictSettings,
    now = new Date(),
  ): Promise<DistrictSettings> {
    const domain = normalizeDomain(domainInput)

    return withLock(this.lockTarget(domain), async () => {
      const current = await this.get(domain)
      const file = this.layout.settingsFile(domain)
      const next = validate(file, {
        ...change(current),
        updatedAt: now.toISOString(),
      })
      assertStillPractice(current, next)
      assertPracticeStaysLocal(next)

      await this.writeFile(file, next)
      return next
    })
  }

  /**
   * Sets plain fields; used by "district set". Pointing the district at
   * another server drops the pinned host key, which belonged to the old one.
   */
  async set(domain: string, input: DistrictInput): Promise<DistrictSettings> {
    return this.update(domain, (current) => {
      const next = { ...current, ...withoutUndefined(input) }
      const moved = next.host !== current.host || next.port !== current.port
      if (moved) delete next.hostKey
      // An empty proxy means "connect directly" (district set --proxy none).
      if (next.proxy === '') delete next.proxy

      return next
    })
  }

  /**
   * Removes a district's settings. Its keys and history move to the archive
   * folder, never destroyed. Returns where they went.
   */
  async remove(domainInput: string, now = new Date()): Promise<string> {
    const settings = await this.get(domainInput)
    const source = this.layout.districtDir(settings.domain)
    const stamp = now.toISOString().replace(/[:.]/g, '-')
    const target = path.join(
      this.layout.archiveDir,
      `${settings.domain}-${stamp}`,
    )

    await withLock(this.lockTarget(settings.domain), async () => {
      // A run still writing into the folder would recreate half of it
      // after the move, so the run's own lock is taken first.
      const release = await this.holdRunLock(settings.domain)
      await fs.mkdir(this.layout.archiveDir, { recursive: true })
      try {
        await fs.rename(source, target)
      } finally {
        await release().catch(() => undefined)
      }
      // The lock moved with the folder; nothing else will release it.
      const lockName = `${path.basename(this.layout.runLockTarget(settings.domain))}.lock`
      await fs.rm(path.join(target, lockName), { recursive: true, force: true })
      await fs.rm(path.join(target, `${lockName}-owner`), { force: true })
    })
    return target
  }

  /** Refuses with RUN_IN_PROGRESS while an upload run holds the district. */
  async assertNoRunInProgress(domainInput: string): Promise<void> {
    const release = await this.holdRunLock(normalizeDomain(domainInput))
    await release()
  }

  private async holdRunLock(domain: string): Promise<() => Promise<void>> {
    try {
      return await acquireLock(this.layout.runLockTarget(domain), {
        waitMs: 0,
        staleMs: 60_000,
      })
    } catch (error) {
      if (!(error instanceof LockHeldError)) throw error
      throw new AppError(
        'RUN_IN_PROGRESS',
        `An upload for ${domain} is running right now, so the district was not removed. Remove it once the run has finished.`,
        { cause: error },
      )
    }
  }

  private lockTarget(domain: string): string {
    return path.join(this.layout.districtsDir, `.${domain}.settings`)
  }

  private async readFile(
    file: string,
    domain: string,
  ): Promise<DistrictSettings> {
    let text: string
    try {
      await assertSmallEnough(file)
      text = await fs.readFile(file, 'utf8')
    } catch (error) {
      if (error instanceof AppError) throw error
      throw new AppError(
        'INVALID_SETTINGS',
        `The settings file ${file} cannot be read (${unreadableReason(error)}).`,
        { cause: error },
      )
    }
    if (text.trim() === '') {
      throw new AppError(
        'INVALID_SETTINGS',
        `The settings file ${file} is empty.`,
      )
    }

    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw new AppError(
        'INVALID_SETTINGS',
        `The settings file ${file} is not valid JSON.`,
        { cause: error },
      )
    }
    assertKnownVersion(file, raw)
    const settings = validate(file, raw)
    // A folder copied under another name would log in as the wrong account.
    if (settings.domain !== domain) {
      throw new AppError(
        'INVALID_SETTINGS',
        `The settings file ${file} is for ${settings.domain}, not ${domain}. Move it back to the folder of ${settings.domain}, or remove this folder.`,
      )
    }
    return settings
  }

  private async writeFile(
    file: string,
    settings: DistrictSettings,
  ): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true })
    await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`, {
      mode: 0o600,
    })
  }
}

// Real settings are a few kilobytes; a huge file is damage (or not ours),
// and reading it whole would exhaust memory before any check could run.
const SETTINGS_MAX_BYTES = 1024 * 1024

async function assertSmallEnough(file: string): Promise<void> {
  const { size } = await fs.stat(file)
  if (size <= SETTINGS_MAX_BYTES) return

  throw new AppError(
    'INVALID_SETTINGS',
    `The settings file ${file} is ${Math.round(size / 1024 / 1024)} MB, far too large to be a district\u2019s settings.`,
  )
}

// A file from a newer release may hold fields this one would misread.
function assertKnownVersion(file: string, raw: unknown): void {
  const version = (raw as { version?: unknown } | null)?.version
  if (typeof version !== 'number' || version <= SETTINGS_VERSION) return

  throw new AppError(
    'SETTINGS_TOO_NEW',
    `The settings file ${file} was written by a newer version of this program (settings version ${version}; this one reads version ${SETTINGS_VERSION}).`,
  )
}

function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EISDIR') return 'it is a folder, not a file'
  if (code === 'EACCES' || code === 'EPERM')
    return 'this account may not read it'

  return code ?? 'unknown reason'
}

function validate(file: string, raw: unknown): DistrictSettings {
  const parsed = districtSettingsSchema.safeParse(raw)
  if (parsed.success) return parsed.data

  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`)
    .join('; ')
  throw new AppError(
    'INVALID_SETTINGS',
    `The settings in ${file} are not valid: ${problems}`,
  )
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  )
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>
}
