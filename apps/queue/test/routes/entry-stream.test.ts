import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createAdmissionVerifier } from '@deals/admission'
import type { Identity } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { waitUntil } from '@deals/messaging/testing'
import { client, startTestQueueApp, type TestQueueApp } from '../support/test-queue-app.ts'
import { admittedNow, enterBuyers } from '../support/buyers.ts'

interface SseEvent {
  event: string
  data: Record<string, unknown>
}

/** Opens the stream over real HTTP and collects its events until the server ends it. */
function openStream(baseUrl: string, dealId: string, as: Identity) {
  const events: SseEvent[] = []
  const controller = new AbortController()
  const done = (async () => {
    const res = await fetch(`${baseUrl}/deals/${dealId}/stream`, {
      headers: gatewayHeaders(as),
      signal: controller.signal,
    })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/)
    let buffer = ''
    const decoder = new TextDecoder()
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.+)$/m.exec(block)?.[1]
        const data = /^data: (.+)$/m.exec(block)?.[1]
        if (event && data) events.push({ event, data: JSON.parse(data) })
      }
    }
  })().catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err
  })
  return { events, done, close: () => controller.abort() }
}

describe('the live stream of an entry', () => {
  let t: TestQueueApp
  let baseUrl: string
  before(async () => {
    // One admission at a time, long-lived: the line moves only when the test frees the slot.
    t = await startTestQueueApp({ MAX_ACTIVE_ADMISSIONS: '1', ADMISSION_RATE_PER_SECOND: '50' })
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => t.close())

  test('sends the place as it changes, then `admitted` with the token, then ends', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    const [holder, second, third] = await enterBuyers(t, dealId, 3)
    await waitUntil(async () => (await admittedNow(t, dealId)).includes(holder!.userId))

    const stream = openStream(baseUrl, dealId, third!)
    await waitUntil(() => stream.events.length >= 1)
    assert.deepEqual(
      { event: stream.events[0]!.event, position: stream.events[0]!.data.position },
      { event: 'position', position: 2 },
    )
    await waitUntil(
      async () => (await t.app.metrics.getSingleMetric('sse_connections')!.get()).values[0]?.value === 1,
    )

    await client(t)('DELETE', `/deals/${dealId}/entries/me`, { as: holder })
    await waitUntil(() => stream.events.some((e) => e.data.position === 1), { message: 'moved up to 1' })
    await client(t)('DELETE', `/deals/${dealId}/entries/me`, { as: second })
    await stream.done

    const last = stream.events.at(-1)!
    assert.equal(last.event, 'admitted')
    assert.deepEqual(
      stream.events.map((e) => e.event),
      ['position', 'position', 'admitted'],
    )
    const verifier = createAdmissionVerifier([t.config.ADMISSION_TOKEN_SECRET])
    await verifier.verify(String(last.data.admissionToken), { userId: third!.userId, dealId })
    await waitUntil(
      async () => (await t.app.metrics.getSingleMetric('sse_connections')!.get()).values[0]?.value === 0,
    )
  })

  test('tells the waiting buyers when the deal sells out, and keeps the stream open', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    const [holder, waiting] = await enterBuyers(t, dealId, 2)
    await waitUntil(async () => (await admittedNow(t, dealId)).includes(holder!.userId))
    const stream = openStream(baseUrl, dealId, waiting!)
    await waitUntil(() => stream.events.length >= 1)

    await t.stock(dealId, true)
    await waitUntil(() => stream.events.some((e) => e.event === 'sold-out'), { message: 'sold-out event' })
    assert.equal(stream.events.at(-1)!.data.status, 'SOLD_OUT')
    await t.stock(dealId, false)
    await waitUntil(() => stream.events.at(-1)!.event === 'position', {
      message: 'positions resume after a restock',
    })
    stream.close()
    await stream.done
  })

  test('refuses to stream for a buyer not in line, with a problem', async () => {
    const { dealId } = await t.deal()
    const res = await fetch(`${baseUrl}/deals/${dealId}/stream`, { headers: gatewayHeaders(buyerIdentity()) })
    assert.equal(res.status, 404)
    assert.equal(((await res.json()) as { code: string }).code, 'ENTRY_NOT_FOUND')
  })
})
