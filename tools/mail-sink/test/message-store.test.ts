import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MessageStore, type CapturedMessage } from '../src/message-store.ts'

function message(id: string, to: string[]): CapturedMessage {
  return { id, to, from: 'shop@deals.test', subject: id, text: '', receivedAt: new Date(0).toISOString() }
}

test('lists newest first and forgets the oldest beyond its capacity', () => {
  const store = new MessageStore(2)
  for (const id of ['first', 'second', 'third']) store.add(message(id, ['a@deals.test']))

  assert.deepEqual(
    store.list().map((m) => m.id),
    ['third', 'second'],
  )
})

test('filters by any recipient ignoring case, and stops at the limit', () => {
  const store = new MessageStore(10)
  store.add(message('to-ann', ['Ann@Deals.test']))
  store.add(message('to-bob', ['bob@deals.test']))
  store.add(message('to-both', ['bob@deals.test', 'ann@deals.test']))
  store.add(message('to-ann-again', ['ann@deals.test']))

  assert.deepEqual(
    store.list({ to: 'ANN@deals.test' }).map((m) => m.id),
    ['to-ann-again', 'to-both', 'to-ann'],
  )
  assert.deepEqual(
    store.list({ to: 'ann@deals.test', limit: 2 }).map((m) => m.id),
    ['to-ann-again', 'to-both'],
  )
})

test('clear empties the store', () => {
  const store = new MessageStore(10)
  store.add(message('one', ['a@deals.test']))
  store.clear()

  assert.deepEqual(store.list(), [])
})
