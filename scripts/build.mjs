// Builds every bundle: the plain-Node CLI, the Electron main process and
// preload, and the React renderer. Progress goes to stderr only, so that
// `npm run cli` keeps stdout for the command's own output.
import { build } from 'esbuild'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const out = path.join(root, 'dist')
const common = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root }

await fs.rm(out, { recursive: true, force: true })

await Promise.all([
  build({
    ...common,
    entryPoints: ['main/cli/index.ts'],
    outfile: 'dist/cli.mjs',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['main/electron/main.ts'],
    outfile: 'dist/main.mjs',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['main/electron/preload.ts'],
    outfile: 'dist/preload.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['renderer/index.tsx'],
    outfile: 'dist/renderer/index.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: true,
    loader: { '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
  }),
])

await fs.copyFile(path.join(root, 'renderer/index.html'), path.join(out, 'renderer/index.html'))
process.stderr.write('build: dist/ is up to date\n')
