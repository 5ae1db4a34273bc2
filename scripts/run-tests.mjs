// Runs every test file under test/ with Node's own test runner and tsx.
// A test that runs longer than ten minutes fails instead of hanging CI.
// Usage: node scripts/run-tests.mjs [filter]   (filter: part of a file path)
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const filter = process.argv[2] ?? ''

function findTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return findTests(full)
    return entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx') ? [full] : []
  })
}

const files = findTests(path.join(root, 'test'))
  .filter((file) => file.includes(filter))
  .sort()
if (files.length === 0) {
  console.error(`no test files match "${filter}"`)
  process.exit(1)
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
)
process.exit(result.status ?? 1)
