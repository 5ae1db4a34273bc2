// electron-builder's beforeBuild hook: rebuilds ssh2's optional native
// crypto binding against Electron's headers. ssh2's own install script
// always targets the Node that runs it, and @electron/rebuild does not see
// the binding (its binding.gyp is not at the package root), so it is built
// here. A failure never stops the build: the app then runs on ssh2's
// JavaScript crypto, and its startup log says so.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

/** @param {{ appDir: string, electronVersion: string, arch: string }} context */
export default async function beforeBuild(context) {
  const cryptoDir = path.join(
    context.appDir,
    'node_modules/ssh2/lib/protocol/crypto',
  )
  if (!fs.existsSync(path.join(cryptoDir, 'binding.gyp'))) {
    console.log(
      'ssh2 binding: sources not found; the JavaScript fallback is used',
    )
    return false
  }

  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js')
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      `--target=${context.electronVersion}`,
      `--arch=${context.arch}`,
      '--dist-url=https://electronjs.org/headers',
      // Electron ships BoringSSL with the OpenSSL 1.1 API.
      '--real_openssl_major=1',
    ],
    { cwd: cryptoDir, stdio: 'inherit' },
  )

  if (result.status === 0) {
    console.log(`ssh2 binding: built for Electron ${context.electronVersion}`)
  } else {
    // A half-built binding must not ship: ssh2 would fail to load it.
    fs.rmSync(path.join(cryptoDir, 'build'), { recursive: true, force: true })
    console.log('ssh2 binding: build failed; the JavaScript fallback is used')
  }
  // false: electron-builder skips its own rebuild (cpu-features is left out).
  return false
}
