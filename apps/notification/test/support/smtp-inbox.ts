// An SMTP server on a free loopback port that keeps every message it is given, parsed, so tests
// can see which notification e-mails went out, to whom and with what subject.
import { buffer } from 'node:stream/consumers'
import PostalMime from 'postal-mime'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  to: string[]
  subject: string
  text: string
}

export async function startSmtpInbox() {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    async onData(stream, session, done) {
      const email = await PostalMime.parse(await buffer(stream))
      received.push({
        to: session.envelope.rcptTo.map((r) => r.address),
        subject: email.subject ?? '',
        text: email.text ?? '',
      })
      done()
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as { port: number }
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Messages delivered to `address` so far, oldest first. */
    to: (address: string) => received.filter((m) => m.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpInbox = Awaited<ReturnType<typeof startSmtpInbox>>
