// The relay waits for the broker twice per batch: for a full channel to drain and for the batch's
// confirms. Neither wait may outlive the channel or go on for ever, or the relay would hang with
// its batch's rows locked (a broker restart ends a channel mid-wait).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { ConfirmChannel } from 'amqplib'
import { confirmed, drained } from '../src/outbox-relay.ts'

/** A channel that never answers by itself: the test says when it drains, confirms or closes. */
function channel(confirms: Promise<void> = new Promise(() => {})) {
  const c = new EventEmitter() as unknown as ConfirmChannel & EventEmitter
  c.waitForConfirms = () => confirms
  return c
}

const leftBehind = (c: EventEmitter) => c.listenerCount('close') + c.listenerCount('drain')

test('a full channel that drains lets the relay go on', async () => {
  const c = channel()
  const waiting = drained(c)
  c.emit('drain')
  await waiting
  assert.equal(leftBehind(c), 0, 'no listener left behind')
})

test(
  'a full channel that closes instead of draining ends the wait with an error',
  { timeout: 5_000 },
  async () => {
    const c = channel()
    const waiting = drained(c)
    c.emit('close')
    await assert.rejects(waiting, /closed while the relay waited for the channel to drain/)
    assert.equal(leftBehind(c), 0, 'no listener left behind')
  },
)

test(
  'a full channel that neither drains nor closes ends the wait after the timeout',
  { timeout: 5_000 },
  async () => {
    const c = channel()
    await assert.rejects(drained(c, 50), /waited 50 ms for the channel to drain/)
    assert.equal(leftBehind(c), 0, 'no listener left behind')
  },
)

test('confirms that come let the relay go on', async () => {
  const c = channel(Promise.resolve())
  await confirmed(c)
  assert.equal(leftBehind(c), 0, 'no listener left behind')
})

test('a nack ends the wait with the broker’s error', async () => {
  const c = channel(Promise.reject(new Error('message nacked')))
  await assert.rejects(confirmed(c), /message nacked/)
})

test(
  'confirms that never come (amqplib lost the waiter when the channel closed) end with the close',
  { timeout: 5_000 },
  async () => {
    const c = channel()
    const waiting = confirmed(c)
    c.emit('close')
    await assert.rejects(waiting, /closed while the relay waited for publisher confirms/)
  },
)

test(
  'confirms that never come on a channel that stays open end after the timeout',
  { timeout: 5_000 },
  async () => {
    const c = channel()
    await assert.rejects(confirmed(c, 50), /waited 50 ms for publisher confirms/)
    assert.equal(leftBehind(c), 0, 'no listener left behind')
  },
)
