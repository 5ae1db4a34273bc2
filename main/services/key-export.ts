import fs from 'node:fs/promises'
import path from 'node:path'
import sshpk from 'sshpk'
import { AppError } from '../../shared/errors'
import type { DistrictStore } from './district-store'
import { toNodeKey } from './key-convert'
import { writePpk } from './key-ppk-write'
import { keyToShare, keyView, readPrivateKey, type KeyRole } from './keys'

/** Key files for other tools: PuTTY/WinSCP `.ppk`, and the `.pub` file. */

export interface ExportResult {
  readonly file: string
  readonly sha256: string
}

/** Writes the district's private key as an unencrypted PuTTY .ppk file. */
export async function exportPpk(
  store: DistrictStore,
  domain: string,
  file: string,
  options: { role?: KeyRole; version?: 2 | 3; passphrase?: string } = {},
): Promise<ExportResult> {
  const district = await store.get(domain)
  const role = options.role ?? 'current'
  const view = keyView(store, district, role)
  const text = await readPrivateKey(store, district, role, options.passphrase)
  const key = sshpk.parsePrivateKey(text, 'openssh')

  const ppk = writePpk(toNodeKey(key), view.comment, options.version ?? 2)
  await writeNew(file, ppk, 0o600)
  return { file: path.resolve(file), sha256: view.sha256 }
}

/** Saves the public key SameGoal needs (pending, else current) as a .pub file. */
export async function exportPublicKey(
  store: DistrictStore,
  domain: string,
  file: string,
): Promise<ExportResult> {
  const view = keyToShare(store, await store.get(domain))

  await writeNew(file, `${view.publicKey}\n`, 0o644)
  return { file: path.resolve(file), sha256: view.sha256 }
}

async function writeNew(file: string, text: string, mode: number) {
  try {
    await fs.writeFile(file, text, { mode })
    await fs.chmod(file, mode)
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `The file ${file} could not be written. Check the folder exists and can be written to.`,
      { cause: error },
    )
  }
}
