import fs from 'node:fs/promises'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import type { KeyView } from '../../../shared/reports'
import { deliverDistrictKey } from '../../practice/practice-district'
import type { Delivery } from '../../practice/practice-root'
import { writeKeyEmail } from '../../services/key-email'
import { exportPpk, exportPublicKey } from '../../services/key-export'
import { importKey } from '../../services/key-import'
import {
  fingerprintLines,
  generateKey,
  keyView,
  type KeyType,
} from '../../services/keys'
import type { CommandOutput } from '../output'
import { readSecretLine } from '../stdin'
import type { CliContext } from '../program'

/** `key generate|show|import|export|email`. */
export function registerKeyCommands(program: Command, cli: CliContext): void {
  const key = program
    .command('key')
    .description('generate, import, show, export and share district keypairs')

  key
    .command('generate <domain>')
    .description(
      'generate a keypair for the district (RSA 4096 unless --type ed25519); a district with a key gets it as its pending key',
    )
    .option('--type <rsa|ed25519>', 'key type', 'rsa')
    .option('--replace', 'make a new key even though the district has one')
    .option(
      '--passphrase-stdin',
      'encrypt the key with a passphrase read from standard input (such a key cannot be scheduled)',
    )
    .action(
      cli.run(async (domain: string, flags: GenerateFlags) => {
        const passphrase = flags.passphraseStdin
          ? await readSecretLine('--passphrase-stdin', 'KEY_PASSPHRASE_NEEDED')
          : undefined
        const view = await generateKey(
          cli.ctx().store,
          domain,
          keyType(flags.type),
          {
            replace: flags.replace === true,
            ...(passphrase ? { passphrase } : {}),
          },
        )
        return keyOutput(view, [
          `Generated ${withArticle(describe(view))} keypair for ${view.domain}.`,
          ...pendingNote(view),
        ])
      }),
    )

  key
    .command('import <domain> <file>')
    .description(
      'import a private key (OpenSSH, PEM PKCS#1/PKCS#8 or PuTTY .ppk); stored in OpenSSH form',
    )
    .option('--passphrase-stdin', 'read the key\u2019s passphrase from stdin')
    .action(
      cli.run(
        async (
          domain: string,
          file: string,
          flags: { passphraseStdin?: boolean },
        ) => {
          const text = await readKeyFile(file)
          const passphrase = flags.passphraseStdin
            ? await readSecretLine(
                '--passphrase-stdin',
                'KEY_PASSPHRASE_NEEDED',
              )
            : undefined
          const view = await importKey(cli.ctx().store, domain, text, {
            ...(passphrase ? { passphrase } : {}),
          })
          return keyOutput(view, [
            `Imported ${withArticle(describe(view))} key for ${view.domain} (from ${view.importedFrom ?? 'a key file'}).`,
            ...pendingNote(view),
          ])
        },
      ),
    )

  key
    .command('show <domain>')
    .description('print the public key in use and its fingerprints')
    .option('--pending', 'show the new key waiting for its first login')
    .action(
      cli.run(async (domain: string, flags: { pending?: boolean }) => {
        const store = cli.ctx().store
        const district = await store.get(domain)
        const role = flags.pending ? 'pending' : 'current'
        return keyOutput(keyView(store, district, role), [])
      }),
    )

  key
    .command('export <domain>')
    .description(
      'write the key for other tools: --ppk for PuTTY/WinSCP, --pub for the public key',
    )
    .option(
      '--ppk <file>',
      'write the private key as an unencrypted PuTTY .ppk file',
    )
    .option(
      '--ppk-version <2|3>',
      'PuTTY file version (2 is read by every PuTTY and WinSCP)',
      '2',
    )
    .option(
      '--pub <file>',
      'write the public key SameGoal needs as a .pub file',
    )
    .action(
      cli.run(async (domain: string, flags: ExportFlags) => {
        if (!flags.ppk && !flags.pub) {
          throw new AppError('USAGE', 'Give --ppk FILE, --pub FILE or both.')
        }
        const store = cli.ctx().store
        const json: Record<string, unknown> = { domain }
        const text: string[] = []

        if (flags.ppk) {
          const done = await exportPpk(store, domain, flags.ppk, {
            version: ppkVersion(flags.ppkVersion),
          })
          json['ppkFile'] = done.file
          json['sha256'] = done.sha256
          text.push(
            `Wrote the private key for PuTTY to ${done.file} (${done.sha256}). Keep it private.`,
          )
        }
        if (flags.pub) {
          const done = await exportPublicKey(store, domain, flags.pub)
          json['pubFile'] = done.file
          json['pubSha256'] = done.sha256
          text.push(`Wrote the public key to ${done.file} (${done.sha256}).`)
        }
        return { json, text }
      }),
    )

  key
    .command('email <domain>')
    .description(
      'write a draft email to SameGoal (.eml, opens for editing in Outlook or Thunderbird) with the public key attached',
    )
    .option(
      '--out <file>',
      'where to write the draft (default: the district\u2019s keys folder)',
    )
    .action(
      cli.run(async (domain: string, flags: { out?: string }) => {
        const ctx = cli.ctx()
        if ((await ctx.store.get(domain)).practice) {
          const delivery = await deliverDistrictKey(ctx, domain)
          return practiceDelivery(delivery, flags.out !== undefined)
        }

        const draft = await writeKeyEmail(ctx.store, domain, flags.out)
        return {
          json: { domain, ...draft },
          text: [
            `Wrote the email draft to ${draft.file}.`,
            `Open it, check it, and send it from a work address. The key (${draft.sha256}) usually works within 60 minutes.`,
          ],
        }
      }),
    )
}

// A practice district's key goes to the practice server, the stand-in for
// the email to SameGoal; nothing is addressed to SameGoal for it.
function practiceDelivery(
  delivery: Delivery,
  outGiven: boolean,
): CommandOutput {
  const note = outGiven
    ? [
        'No draft was written (--out): a practice key is never emailed to SameGoal.',
      ]
    : []
  return {
    json: {
      ...delivery,
      practice: true,
      ...(outGiven ? { notes: note } : {}),
    },
    text: [
      `Sent the key of practice district ${delivery.domain} to the practice server.`,
      'Like a real key, it starts working after a short sync delay.',
      ...note,
    ],
  }
}

interface GenerateFlags {
  type: string
  replace?: boolean
  passphraseStdin?: boolean
}

interface ExportFlags {
  ppk?: string
  ppkVersion: string
  pub?: string
}

function keyType(value: string): KeyType {
  if (value === 'rsa' || value === 'ed25519') return value

  throw new AppError(
    'INVALID_INPUT',
    `--type must be "rsa" or "ed25519", not "${value}".`,
  )
}

function ppkVersion(value: string): 2 | 3 {
  if (value === '2' || value === '3') return Number(value) as 2 | 3

  throw new AppError(
    'INVALID_INPUT',
    `--ppk-version must be 2 or 3, not "${value}".`,
  )
}

async function readKeyFile(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file)
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a folder' : 'not a regular file'
      throw new AppError(
        'INVALID_KEY',
        `${file} is ${kind}; give the private key file itself.`,
      )
    }
    if (stat.size > 64 * 1024) {
      throw new AppError(
        'INVALID_KEY',
        `The file ${file} is too large to be a key file.`,
      )
    }
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('INVALID_KEY', `The key file ${file} cannot be read.`, {
      cause: error,
    })
  }
}

// "an RSA", "an Ed25519": both names start with a vowel sound.
function withArticle(text: string): string {
  return /^([AEIOU]|RSA)/i.test(text) ? `an ${text}` : `a ${text}`
}

function describe(view: KeyView): string {
  return view.type === 'rsa' ? `RSA ${view.bits}-bit` : 'Ed25519'
}

function pendingNote(view: KeyView): string[] {
  if (view.role !== 'pending') return []

  return [
    'The district\u2019s current key stays in use until this new key has logged in once. Send this key to SameGoal; "key show --pending" shows it again.',
  ]
}

function keyOutput(view: KeyView, intro: string[]): CommandOutput {
  const [sha256Line, md5Line] = fingerprintLines(view)

  return {
    json: {
      domain: view.domain,
      publicKey: view.publicKey,
      type: view.type,
      bits: view.bits,
      comment: view.comment,
      sha256: view.sha256,
      md5: view.md5,
      privateKeyFile: view.privateKeyFile,
      publicKeyFile: view.publicKeyFile,
      role: view.role ?? 'current',
      source: view.source,
      ...(view.importedFrom ? { importedFrom: view.importedFrom } : {}),
      encrypted: view.encrypted === true,
    },
    text: [...intro, view.publicKey, sha256Line, md5Line],
  }
}
