import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createFieldCipher } from '../src/field-cipher.ts'

const key = () => randomBytes(32).toString('base64')

test('a value round-trips and each encryption uses a fresh IV', () => {
  const cipher = createFieldCipher(key())
  const a = cipher.encrypt('010-1234-5678')
  const b = cipher.encrypt('010-1234-5678')
  assert.notEqual(a, b)
  assert.match(a, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/)
  assert.equal(cipher.decrypt(a), '010-1234-5678')
  assert.equal(cipher.decrypt(cipher.encrypt('')), '')
})

test('a tampered ciphertext or another key fails instead of returning garbage', () => {
  const cipher = createFieldCipher(key())
  const sealed = cipher.encrypt('서울특별시')
  const parts = sealed.split('.')
  parts[3] = Buffer.from('tampered').toString('base64url')
  assert.throws(() => cipher.decrypt(parts.join('.')))
  assert.throws(() => createFieldCipher(key()).decrypt(sealed))
  assert.throws(() => cipher.decrypt(`v2.${sealed.slice(3)}`), /format/)
})

test('a key that is not 32 bytes is refused', () => {
  assert.throws(() => createFieldCipher(randomBytes(16).toString('base64')), /32-byte/)
})
