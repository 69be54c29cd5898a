// The relay waits for a full channel to drain before publishing more; a channel that closes
// instead (its connection died with the broker) must end the wait, or the relay would hang.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { ConfirmChannel } from 'amqplib'
import { drained } from '../src/outbox-relay.ts'

const channel = () => new EventEmitter() as unknown as ConfirmChannel & EventEmitter

test('a full channel that drains lets the relay go on', async () => {
  const c = channel()
  const waiting = drained(c)
  c.emit('drain')
  await waiting
  assert.equal(c.listenerCount('close'), 0, 'no listener left behind')
})

test(
  'a full channel that closes instead of draining ends the wait with an error',
  { timeout: 5_000 },
  async () => {
    const c = channel()
    const waiting = drained(c)
    c.emit('close')
    await assert.rejects(waiting, /closed while the relay waited/)
    assert.equal(c.listenerCount('drain'), 0, 'no listener left behind')
  },
)
