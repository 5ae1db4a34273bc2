// Rebuilds dist/ when any source is newer than the CLI bundle, so that
// `npm run cli` works straight after an install. Build output goes to stderr.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bundle = path.join(root, 'dist', 'cli.mjs')

function newestSource(dir) {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full))
    else newest = Math.max(newest, fs.statSync(full).mtimeMs)
  }
  return newest
}

const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0
const sources = Math.max(...['main', 'shared', 'renderer'].map((d) => newestSource(path.join(root, d))))

if (built < sources) {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
    stdio: ['ignore', process.stderr, process.stderr],
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
