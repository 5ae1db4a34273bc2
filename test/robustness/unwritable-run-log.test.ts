import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { createContext } from '../../main/services/context'
import { readRuns } from '../../main/services/run-history'
import { runUpload } from '../../main/services/upload-run'
import { tempDir } from '../harness/cli'

const DOMAIN = 'nologisd.org'

describe('a run whose log folder cannot be written', () => {
  const home = tempDir('sg-nolog')
  after(() => fs.rmSync(home, { recursive: true, force: true }))

  it('still runs and records the night, with its own failure', async () => {
    const ctx = createContext(home)
    await ctx.store.add(DOMAIN, { host: '127.0.0.1', port: 9 })
    // A file where the run logs' folder should be: nothing can go in it.
    fs.mkdirSync(path.dirname(ctx.layout.runLogsDir), { recursive: true })
    fs.writeFileSync(ctx.layout.runLogsDir, 'not a folder')

    const error = await runUpload(ctx, DOMAIN).then(
      () => undefined,
      (caught: unknown) => caught as { code?: string },
    )
    assert.equal(error?.code, 'NO_EXPORT_FOLDER', 'the run\u2019s own reason')
    const last = (await readRuns(ctx.layout, DOMAIN)).at(-1)
    assert.equal(last?.code, 'NO_EXPORT_FOLDER', 'the night is on record')
    assert.equal(last?.logFile, undefined)
  })
})
