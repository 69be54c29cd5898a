// A local SMTP mail sink for development and tests: accepts any message on loopback and serves
// the captured ones as JSON (`GET /messages?to=`), so sign-up and notification mail can be read.
import type { AddressInfo } from 'node:net'
import { buildHttpApi } from './http-api.ts'
import { MessageStore } from './message-store.ts'
import { startSmtpReceiver } from './smtp-receiver.ts'

export type { CapturedMessage } from './message-store.ts'

export interface MailSinkOptions {
  /** 0 picks a free port. Default 1025. */
  smtpPort?: number
  /** 0 picks a free port. Default 8025. */
  httpPort?: number
  /** Default 127.0.0.1. */
  host?: string
  /** How many messages are kept. Default 1000. */
  capacity?: number
}

export interface MailSink {
  smtpPort: number
  httpPort: number
  close(): Promise<void>
}

export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const { smtpPort = 1025, httpPort = 8025, host = '127.0.0.1', capacity = 1000 } = options
  const store = new MessageStore(capacity)
  const smtp = await startSmtpReceiver(store, { host, port: smtpPort })
  const http = buildHttpApi(store)
  try {
    await http.listen({ host, port: httpPort })
  } catch (error) {
    await smtp.close()
    throw error
  }
  return {
    smtpPort: smtp.port,
    httpPort: (http.server.address() as AddressInfo).port,
    async close() {
      await Promise.all([smtp.close(), http.close()])
    },
  }
}
