// The SMTP side: accepts every message (no auth, no TLS: local development only), parses it and
// hands it to the store. Recipients come from the envelope, so Bcc'd addresses are found too.
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { buffer } from 'node:stream/consumers'
import PostalMime from 'postal-mime'
import { SMTPServer, type SMTPServerAddress } from 'smtp-server'
import type { MessageStore } from './message-store.ts'

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024

export interface SmtpReceiver {
  port: number
  close(): Promise<void>
}

export async function startSmtpReceiver(
  store: MessageStore,
  options: { host: string; port: number },
): Promise<SmtpReceiver> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    // A client that keeps its connection open must not hold up shutdown for long.
    closeTimeout: 1000,
    async onData(stream, session, callback) {
      try {
        const raw = await buffer(stream)
        if (stream.sizeExceeded) throw Object.assign(new Error('message too large'), { responseCode: 552 })
        const email = await PostalMime.parse(raw)
        const envelopeFrom = session.envelope.mailFrom
        store.add({
          id: randomUUID(),
          to: session.envelope.rcptTo.map((recipient: SMTPServerAddress) => recipient.address),
          from: email.from?.address ?? (envelopeFrom ? envelopeFrom.address : ''),
          subject: email.subject ?? '',
          text: email.text ?? '',
          ...(email.html ? { html: email.html } : {}),
          receivedAt: new Date().toISOString(),
        })
        callback()
      } catch (error) {
        callback(error as Error)
      }
    },
  })
  server.listen(options.port, options.host)
  await Promise.race([
    once(server.server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ])
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
