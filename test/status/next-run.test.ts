import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextRunAt, staggerTime } from '../../main/services/next-run'

describe('the next nightly run and staggered times', () => {
  it('is later today when the time has not come yet, else tomorrow', () => {
    const evening = new Date(2026, 10, 7, 20, 15)
    assert.deepEqual(nextRunAt('23:30', evening), new Date(2026, 10, 7, 23, 30))
    assert.deepEqual(nextRunAt('02:00', evening), new Date(2026, 10, 8, 2, 0))
    assert.deepEqual(
      nextRunAt('20:15', evening),
      new Date(2026, 10, 8, 20, 15),
      'a run due this very minute has started already',
    )
  })

  it('crosses the end of a month', () => {
    const last = new Date(2026, 10, 30, 23, 0)
    assert.deepEqual(nextRunAt('01:00', last), new Date(2026, 11, 1, 1, 0))
  })

  it('wraps a staggered time past midnight', () => {
    assert.equal(staggerTime('02:00', 10), '02:10')
    assert.equal(staggerTime('23:55', 10), '00:05')
    assert.equal(staggerTime('00:05', -10), '23:55')
  })
})
