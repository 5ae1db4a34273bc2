// Measures the product's upload path against OpenSSH's own `sftp -b` doing
// the same put to the same loopback OpenSSH test server, on loopback and
// through a latency-adding proxy. Usage: npm run bench [-- --quick]
// (--quick: 10 MB only). Needs root and openssh-server, as the tests do.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sampleExportText } from '../main/processor/sample-export'
import { readPrivateKey } from '../main/services/keys'
import { startFaultProxy } from '../test/harness/fault-proxy'
import { sshdAvailable, startSshd } from '../test/harness/openssh-server'
import { makeDistrict } from '../test/upload/upload-setup'

const DOMAIN = 'benchisd.org'
const MB = 1024 * 1024
const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const CLI = path.join(ROOT, 'bin', 'samegoal-ascender.mjs')

interface Measured {
  /** From process start to exit. */
  readonly seconds: number
  /** The run itself, as the product reports it: checks to COMPLETE. */
  readonly runSeconds?: number
  /** The transfer alone (epoch folder to COMPLETE), as the product reports it. */
  readonly transferMbps?: number
  readonly peakRssMb: number
}

await main(process.argv.includes('--quick'))

async function main(quick: boolean): Promise<void> {
  if (!sshdAvailable()) throw new Error('needs root and /usr/sbin/sshd')
  const built = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (built.status !== 0) throw new Error('the build failed')

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
    const rssHook = writeRssHook(work)

    console.log(
      'size    link        transfer  product run  product process  sftp -b   ratio transfer / run / process  peak RSS',
    )
    console.log(
      '                    MB/s      MB/s         MB/s             MB/s',
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

        const ours = await measureProduct(district.home, file, rssHook)
        clear(uploadDir)
        const theirs = await measureSftp(keyFile, proxy.port, file)
        clear(uploadDir)
        await proxy.close()

        const bytes = fs.statSync(file).size
        const rate = (seconds: number): number => bytes / MB / seconds
        const run = rate(ours.runSeconds ?? ours.seconds)
        const whole = rate(ours.seconds)
        const sftp = rate(theirs.seconds)
        const transfer = ours.transferMbps ?? 0
        console.log(
          [
            `${size} MB`.padEnd(7),
            link.name.padEnd(11),
            transfer.toFixed(1).padStart(8),
            run.toFixed(1).padStart(12),
            whole.toFixed(1).padStart(16),
            sftp.toFixed(1).padStart(9),
            (transfer / sftp).toFixed(2).padStart(7),
            (run / sftp).toFixed(2).padStart(7),
            (whole / sftp).toFixed(2).padStart(9),
            `${ours.peakRssMb.toFixed(0)} MB`.padStart(12),
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

// The product's own command line, exactly as the scheduler starts it,
// timed from start to exit like sftp; a preloaded hook reports the
// process's peak memory as it exits.
function measureProduct(
  home: string,
  file: string,
  rssHook: string,
): Promise<Measured> {
  const rssFile = `${rssHook}.out`
  const args = [
    ['--import', pathToFileURL(rssHook).href, CLI, '--home', home],
    ['upload', DOMAIN, '--file', file, '--allow-stale', '--allow-drop'],
    ['--json'],
  ].flat()
  const started = performance.now()

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, SG_BENCH_RSS: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    let errors = ''
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()))
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000
      if (code !== 0) return reject(new Error(`upload failed: ${out}${errors}`))
      const result = JSON.parse(out) as {
        durationMs: number
        throughputBps: number
      }
      resolve({
        seconds,
        runSeconds: Number(result.durationMs) / 1000,
        transferMbps: Number(result.throughputBps) / MB,
        peakRssMb: Number(fs.readFileSync(rssFile, 'utf8')),
      })
    })
  })
}

function writeRssHook(dir: string): string {
  const hook = path.join(dir, 'rss-hook.mjs')
  fs.writeFileSync(
    hook,
    [
      "import fs from 'node:fs'",
      "process.on('exit', () => fs.writeFileSync(process.env.SG_BENCH_RSS,",
      '  String(process.resourceUsage().maxRSS / 1024)))',
      '',
    ].join('\n'),
  )
  return hook
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
