import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  formatEpoch,
  namesBeyondHorizon,
  nextEpochName,
  parseEpoch,
} from '../../shared/epoch'

describe('epoch names', () => {
  const at = (text: string) => new Date(text)

  it('formats local date-times as YYYYMMDD-HHMMSS', () => {
    assert.equal(formatEpoch(new Date(2026, 11, 3, 2, 0, 5)), '20261203-020005')
  })

  it('uses now when nothing later exists', () => {
    const now = new Date(2026, 11, 3, 2, 0, 0)
    assert.equal(
      nextEpochName(now, ['20261202-020000', 'README']),
      '20261203-020000',
    )
  })

  it('never reuses a name from the same second', () => {
    const now = new Date(2026, 11, 3, 2, 0, 0)
    assert.equal(nextEpochName(now, ['20261203-020000']), '20261203-020001')
  })

  it('moves forward when the clock went back', () => {
    const now = new Date(2026, 11, 3, 1, 0, 0)
    assert.equal(nextEpochName(now, ['20261203-015959']), '20261203-020000')
  })

  it('rolls over minutes, hours and days correctly', () => {
    const now = new Date(2026, 11, 31, 0, 0, 0)
    assert.equal(nextEpochName(now, ['20261231-235959']), '20270101-000000')
  })

  it('is not pushed out of range by a stray folder far in the future', () => {
    const now = at('2026-12-03T02:00:00')
    const stray = ['99999999-999999', '20991231-235959', '20261202-020000']
    assert.equal(nextEpochName(now, stray), '20261203-020000')
    assert.deepEqual(namesBeyondHorizon(now, stray), [
      '99999999-999999',
      '20991231-235959',
    ])
    // A clock a few hours behind the last epoch still moves forward.
    assert.equal(
      nextEpochName(now, [...stray, '20261203-050000']),
      '20261203-050001',
    )
  })

  it('steps past an impossible name such as SameGoal\u2019s own example', () => {
    const now = new Date(2022, 0, 1, 0, 0, 0)
    const next = nextEpochName(now, ['20220101-139029'])
    assert.ok(next > '20220101-139029')
    assert.ok(parseEpoch(next), `${next} is a valid time`)
  })

  it('gives strictly increasing valid names for many runs in one second', () => {
    const now = at('2026-03-08T02:30:00')
    const names: string[] = []
    for (let i = 0; i < 100; i++) names.push(nextEpochName(now, names))
    for (let i = 1; i < names.length; i++) {
      assert.ok((names[i] ?? '') > (names[i - 1] ?? ''))
      assert.ok(parseEpoch(names[i] ?? ''))
    }
  })

  it('rejects names that are not valid times', () => {
    assert.equal(parseEpoch('20220101-139029'), undefined)
    assert.equal(parseEpoch('20260230-000000'), undefined)
    assert.ok(parseEpoch('20260228-235959'))
  })
})
