// A partner's webhook receiver on a real port: it verifies every request with the helper partners
// are given (signature, timestamp, and ids already seen), records what came, and answers with
// the status codes a test scripts (then 200).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  verifyWebhookSignature,
  type WebhookVerification,
} from '../../src/domain/webhooks/webhook-signature.ts'

export interface ReceivedWebhook {
  verification: WebhookVerification
  /** True when the id had been received (and answered 2xx) before. */
  replayed: boolean
  headers: Record<string, string | string[] | undefined>
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> }
  answered: number
}

export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  /** Status codes for the next requests, in order; 200 once they are used up. */
  script(...statuses: number[]): void
  /** Answer every request with this status from now on. */
  always(status: number): void
  close(): Promise<void>
}

export async function startWebhookReceiver(secret: string, path = '/hooks/deals'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const processed = new Set<string>()
  let scripted: number[] = []
  let fallback = 200
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const verification = verifyWebhookSignature(secret, request.headers, raw, 60)
      const wanted = scripted.shift() ?? fallback
      const answered = verification.ok ? wanted : 401
      const replayed = verification.ok && processed.has(verification.id)
      if (verification.ok && answered < 300) processed.add(verification.id)
      received.push({
        verification,
        replayed,
        headers: request.headers,
        body: JSON.parse(raw.toString()),
        answered,
      })
      response.writeHead(answered).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    script: (...statuses) => void (scripted = statuses),
    always: (status) => void (fallback = status),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
