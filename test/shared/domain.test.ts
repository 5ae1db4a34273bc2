import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  isCountyDistrictNumber,
  isTimeOfDay,
  normalizeDomain,
} from '../../shared/domain'
import { AppError } from '../../shared/errors'

describe('district identifiers', () => {
  it('normalises a domain: trimmed, lower-cased, no trailing dot', () => {
    assert.equal(normalizeDomain('  FooISD.Org. '), 'fooisd.org')
    assert.equal(normalizeDomain('esc13.net'), 'esc13.net')
  })

  it('refuses what is not a DNS name', () => {
    for (const bad of [
      'fooisd',
      'foo isd.org',
      'foo@isd.org',
      'fooisd.123',
      `${'a'.repeat(64)}.org`,
    ]) {
      assert.throws(
        () => normalizeDomain(bad),
        (e: unknown) => e instanceof AppError && e.code === 'INVALID_DOMAIN',
        bad,
      )
    }
  })

  it('checks county-district numbers and times', () => {
    assert.ok(isCountyDistrictNumber('015907'))
    assert.ok(isCountyDistrictNumber('254901'))
    assert.ok(!isCountyDistrictNumber('000907'))
    assert.ok(!isCountyDistrictNumber('255901'))
    assert.ok(isTimeOfDay('23:59'))
    assert.ok(!isTimeOfDay('24:00'))
    assert.ok(!isTimeOfDay('2:00'))
  })
})
