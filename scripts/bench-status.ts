// Measures step 5 on an account with years of processed epochs, on the
// loopback OpenSSH test server. Usage: npm run bench:status [epochs]
// Needs root and openssh-server, like the tests.
import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import { readFleet } from '../main/services/fleet'
import { readStatus } from '../main/services/processing-status'
import { tempDir } from '../test/harness/cli'
import { sshdAvailable, startSshd } from '../test/harness/openssh-server'
import { seedProcessedAccount } from '../test/status/scale-fixture'
import { contextAt, districtOnServer } from '../test/status/fixtures'

const DOMAIN = 'benchisd.org'
const EPOCHS = Number(process.argv[2] ?? 3650)
const ROUNDS = 7

async function main(): Promise<void> {
  if (!sshdAvailable()) {
    console.error('needs root and /usr/sbin/sshd')
    process.exit(1)
  }
  const server = await startSshd({ accounts: [DOMAIN] })
  const home = tempDir('sg-bench')
  const now = new Date()
  const ctx = contextAt(home, now)

  try {
    await districtOnServer(ctx, server, DOMAIN)
    const seeded = performance.now()
    await seedProcessedAccount(ctx, server, DOMAIN, EPOCHS, now)
    console.log(
      `seeded ${EPOCHS} processed epochs in ${Math.round(performance.now() - seeded)} ms`,
    )

    await time('status, our epochs by name', () =>
      readStatus(ctx, DOMAIN, { listProcessed: false }),
    )
    await time('status with the foreign-epoch listing', () =>
      readStatus(ctx, DOMAIN),
    )
    await time('status --all (one district, probed)', () =>
      readFleet(ctx, { probe: true }),
    )
  } finally {
    await server.stop()
    fs.rmSync(home, { recursive: true, force: true })
  }
}

async function time(label: string, work: () => Promise<unknown>) {
  const runs: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now()
    await work()
    runs.push(performance.now() - start)
  }
  runs.sort((a, b) => a - b)
  const median = runs[Math.floor(ROUNDS / 2)] ?? 0
  console.log(
    `${label}: median ${median.toFixed(0)} ms, best ${runs[0]?.toFixed(0)} ms, worst ${runs.at(-1)?.toFixed(0)} ms (${ROUNDS} runs, ${EPOCHS} epochs)`,
  )
}

await main()
