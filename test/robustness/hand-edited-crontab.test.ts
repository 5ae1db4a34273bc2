import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  cronMarkers,
  editCrontab,
  readCronBlock,
} from '../../main/services/schedule/linux-cron'

const DOMAIN = 'cronisd.org'
const { begin, end } = cronMarkers(DOMAIN)
const entry = `0 2 * * * cd '/srv/h' && '/usr/bin/node' '/app/bin/samegoal-ascender.mjs' 'schedule' 'nightly' '${DOMAIN}' '--home' '/srv/h'`
const block = [begin, '# Nightly SameGoal upload.', entry, end].join('\n')
const others = '# my own jobs\n30 1 * * * /usr/local/bin/backup\n'

describe('a hand-edited crontab', () => {
  it('still finds a block whose END line was deleted, and reports it damaged', () => {
    const crontab = `${others}${begin}\n# Nightly SameGoal upload.\n${entry}\n15 3 * * * /usr/local/bin/other\n`

    const task = readCronBlock(crontab, DOMAIN)
    assert.ok(task, 'the line still runs every night, so it is installed')
    assert.equal(task.state, 'damaged')
    assert.equal(task.at, '02:00')
    assert.match(String(task.warnings), /schedule install again/)
  })

  it('repairs such a block in place, keeping every other line', () => {
    const crontab = `${others}${begin}\n# Nightly SameGoal upload.\n${entry}\n15 3 * * * /usr/local/bin/other\n`

    const repaired = editCrontab(crontab, DOMAIN, block)
    assert.equal(repaired.split(entry).length - 1, 1, 'one entry, not two')
    assert.match(repaired, /30 1 \* \* \* \/usr\/local\/bin\/backup/)
    assert.match(repaired, /15 3 \* \* \* \/usr\/local\/bin\/other/)
    assert.equal(readCronBlock(repaired, DOMAIN)?.state, 'in crontab')

    const removed = editCrontab(crontab, DOMAIN, undefined)
    assert.doesNotMatch(removed, /nightly/)
    assert.match(removed, /\/usr\/local\/bin\/other/)
  })

  it('removes a block that was pasted twice', () => {
    const twice = `${block}\n${others}${block}\n`
    const removed = editCrontab(twice, DOMAIN, undefined)
    assert.equal(removed, others)
    assert.equal(readCronBlock(removed, DOMAIN), undefined)
  })
})
