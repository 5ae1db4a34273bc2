// Measures the product's upload path against OpenSSH's own `sftp -b` doing
// the same put to the same loopback OpenSSH test server, on loopback and
// through a latency-adding proxy. Usage: npm run bench [-- --quick]
// (--quick: 10 MB only). Needs root and openssh-server, as the tests do.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { sampleExportText } from '../main/processor/sample-export'
import { readPrivateKey } from '../main/services/keys'
import { runUpload } from '../main/services/upload-run'
import { startFaultProxy } from '../test/harness/fault-proxy'
import { sshdAvailable, startSshd } from '../test/harness/openssh-server'
import { makeDistrict } from '../test/upload/upload-setup'

const DOMAIN = 'benchisd.org'
const MB = 1024 * 1024
const SCRIPT = fileURLToPath(import.meta.url)

interface Measured {
  readonly seconds: number
  readonly peakRssMb: number
}

if (process.argv[2] === '--worker') {
  await worker(process.argv[3] as string, process.argv[4] as string)
} else {
  await main(process.argv.includes('--quick'))
}

async function main(quick: boolean): Promise<void> {
  if (!sshdAvailable()) throw new Error('needs root and /usr/sbin/sshd')

  const sizes = quick ? [10] : [10, 100, 500]
  const links = [
    { name: 'loopback', delayMs: 0 },
    { name: '20 ms RTT', delayMs: 10 },
    { name: '60 ms RTT', delayMs: 30 },
  ]
  console.log(`ssh2 native crypto binding loaded: ${nativeCryptoLoaded()}`)
  console.log(`node ${process.version}, ${os.cpus().length} CPUs\n`)

  const server = await startSshd({ accounts: [DOMAIN] })
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bench-'))
  const uploadDir = path.join(server.accountRoot(DOMAIN), 'upload')
  try {
    const district = await makeDistrict({
      domain: DOMAIN,
      port: server.port,
      hostKeySha256: server.hostKeySha256(),
      run: { settleMs: 0, stallMs: 60_000, retries: 0 },
    })
    server.authorize(DOMAIN, district.publicKey)
    const keyFile = path.join(work, 'id')
    const key = await readPrivateKey(
      district.ctx.store,
      await district.ctx.store.get(DOMAIN),
    )
    fs.writeFileSync(keyFile, key, { mode: 0o600 })

    console.log(
      'size    link        product MB/s  sftp -b MB/s  ratio  product peak RSS',
    )
    for (const size of sizes) {
      const file = writeExport(work, size)
      for (const link of links) {
        const proxy = await startFaultProxy({
          targetPort: server.port,
          delayMs: link.delayMs,
        })
        await district.ctx.store.update(DOMAIN, (d) => ({
          ...d,
          port: proxy.port,
        }))

        const ours = await measureProduct(district.home, file)
        clear(uploadDir)
        const theirs = await measureSftp(keyFile, proxy.port, file)
        clear(uploadDir)
        await proxy.close()

        const bytes = fs.statSync(file).size
        const rate = (m: Measured): number => bytes / MB / m.seconds
        console.log(
          [
            `${size} MB`.padEnd(7),
            link.name.padEnd(11),
            rate(ours).toFixed(1).padStart(12),
            rate(theirs).toFixed(1).padStart(13),
            (rate(ours) / rate(theirs)).toFixed(2).padStart(6),
            `${ours.peakRssMb.toFixed(0)} MB`.padStart(17),
          ].join(' '),
        )
      }
      fs.rmSync(file)
    }
    district.cleanup()
  } finally {
    await server.stop()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

// The product's whole run in a process of its own, so its peak memory is
// its own: checks, connect, parallel upload, verification, COMPLETE.
function measureProduct(home: string, file: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SCRIPT, '--worker', home, file],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`upload worker failed: ${out}`))
      resolve(JSON.parse(out) as Measured)
    })
  })
}

async function worker(home: string, file: string): Promise<void> {
  const { createContext } = await import('../main/services/context')
  const ctx = createContext(home)
  const started = performance.now()
  await runUpload(ctx, DOMAIN, { file, allowStale: true, allowDrop: true })
  const seconds = (performance.now() - started) / 1000
  const peakRssMb = process.resourceUsage().maxRSS / 1024

  process.stdout.write(JSON.stringify({ seconds, peakRssMb }))
  process.exit(0)
}

// OpenSSH's client with its defaults, timed from start to exit. Never
// spawnSync: the proxy lives in this process and must keep forwarding.
function measureSftp(
  keyFile: string,
  port: number,
  file: string,
): Promise<Measured> {
  const batch = `${keyFile}.batch`
  fs.writeFileSync(batch, `put ${file} /upload/${path.basename(file)}\n`)
  const args = [
    ['-q', '-i', keyFile, '-P', String(port), '-b', batch],
    ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
    ['-o', 'LogLevel=ERROR', `${DOMAIN}@127.0.0.1`],
  ].flat()
  const started = performance.now()

  return new Promise((resolve, reject) => {
    const child = spawn('sftp', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let errors = ''
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()))
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`sftp failed: ${errors}`))
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMb: 0 })
    })
  })
}

function writeExport(dir: string, megabytes: number): string {
  const file = path.join(dir, `TxEISStudent_015907-${megabytes}.txt`)
  const block = sampleExportText({ records: 20_000 })
  const header = block.slice(0, block.indexOf('\n') + 1)
  const body = Buffer.from(block.slice(header.length))
  const fd = fs.openSync(file, 'w')

  fs.writeSync(fd, header)
  for (let written = 0; written < megabytes * MB; written += body.length)
    fs.writeSync(fd, body)
  fs.closeSync(fd)
  return file
}

function clear(dir: string): void {
  for (const name of fs.readdirSync(dir))
    fs.rmSync(path.join(dir, name), { recursive: true, force: true })
}

function nativeCryptoLoaded(): boolean {
  const require = createRequire(import.meta.url)
  try {
    require('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')
    return true
  } catch {
    return false
  }
}
