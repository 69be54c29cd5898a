import { test } from 'node:test'
import assert from 'node:assert/strict'
import { normaliseBusinessNumber } from '../../../src/domain/sellers/business-number.ts'

test('a number with a matching check digit is accepted, with or without hyphens', () => {
  assert.equal(normaliseBusinessNumber('124-81-00998'), '124-81-00998')
  assert.equal(normaliseBusinessNumber(' 1248100998 '), '124-81-00998')
})

test('a wrong check digit or a wrong shape is refused', () => {
  for (const bad of ['124-81-00997', '124-81-0099', '12-481-00998', 'abc-de-fghij', ''])
    assert.equal(normaliseBusinessNumber(bad), undefined, bad)
})
