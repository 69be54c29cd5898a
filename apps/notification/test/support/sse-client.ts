// Opens the notification stream over real HTTP and collects its events until it is closed.
import type { Identity } from '@deals/contracts'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { waitUntil } from '@deals/messaging/testing'
import type { NotificationView } from '../../src/domain/feed/notification-view.ts'

export interface ReceivedEvent {
  id: number
  event: string
  notification: NotificationView
}

export async function openStream(
  baseUrl: string,
  as: Identity,
  options: { lastEventId?: number; query?: string } = {},
) {
  const events: ReceivedEvent[] = []
  let heartbeats = 0
  const controller = new AbortController()
  const headers: Record<string, string> = { ...gatewayHeaders(as) }
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId)
  const res = await fetch(`${baseUrl}/stream${options.query ?? ''}`, { headers, signal: controller.signal })
  if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`)
  const done = (async () => {
    let buffer = ''
    const decoder = new TextDecoder()
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (block.startsWith(': heartbeat')) heartbeats++
        const id = /^id: (\d+)$/m.exec(block)?.[1]
        const event = /^event: (.+)$/m.exec(block)?.[1]
        const data = /^data: (.+)$/m.exec(block)?.[1]
        if (id && event && data) events.push({ id: Number(id), event, notification: JSON.parse(data) })
      }
    }
  })().catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err
  })
  return {
    events,
    heartbeats: () => heartbeats,
    ids: () => events.map((e) => e.id),
    /** Waits until at least `n` events arrived. */
    received: (n: number, timeoutMs = 5_000) =>
      waitUntil(() => events.length >= n, { timeoutMs, message: `${n} events (got ${events.length})` }),
    done,
    close: async () => {
      controller.abort()
      await done
    },
  }
}

export type OpenStream = Awaited<ReturnType<typeof openStream>>
