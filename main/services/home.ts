import os from 'node:os'
import path from 'node:path'

/**
 * The home folder holds everything: district settings, keys, pinned host
 * keys, run history and logs. The wizard and the CLI resolve it the same way
 * so that both always see the same districts.
 */

export const APP_FOLDER_NAME = 'SameGoal Ascender'

/** The per-user application-data folder used when no --home is given. */
export function defaultHome(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const user = os.homedir()

  if (platform === 'win32') {
    const appData = env['APPDATA'] ?? path.join(user, 'AppData', 'Roaming')
    return path.win32.join(appData, APP_FOLDER_NAME)
  }
  if (platform === 'darwin') {
    return path.join(user, 'Library', 'Application Support', APP_FOLDER_NAME)
  }

  const config = env['XDG_CONFIG_HOME'] || path.join(user, '.config')
  return path.join(config, 'samegoal-ascender')
}

/** Picks the home: the flag, then SAMEGOAL_ASCENDER_HOME, then the default. */
export function resolveHome(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  // An empty variable (SAMEGOAL_ASCENDER_HOME= in a script) means unset;
  // resolved as a path it would silently make the working folder the home.
  const fromEnv = env['SAMEGOAL_ASCENDER_HOME']?.trim()
  const chosen = flag ?? (fromEnv || defaultHome())

  return path.resolve(chosen)
}

/** Where each kind of file lives inside a home. */
export class HomeLayout {
  constructor(readonly root: string) {}

  get districtsDir(): string {
    return path.join(this.root, 'districts')
  }

  districtDir(domain: string): string {
    return path.join(this.districtsDir, domain)
  }

  settingsFile(domain: string): string {
    return path.join(this.districtDir(domain), 'district.json')
  }

  keysDir(domain: string): string {
    return path.join(this.districtDir(domain), 'keys')
  }

  historyFile(domain: string): string {
    return path.join(this.districtDir(domain), 'history.jsonl')
  }

  runLockTarget(domain: string): string {
    return path.join(this.districtDir(domain), 'run')
  }

  get archiveDir(): string {
    return path.join(this.root, 'archive')
  }

  get logsDir(): string {
    return path.join(this.root, 'logs')
  }

  get runLogsDir(): string {
    return path.join(this.logsDir, 'runs')
  }
}
