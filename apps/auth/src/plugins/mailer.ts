// Outgoing mail over SMTP (nodemailer) as a named connection; queued mail is drained on close.
import fp from 'fastify-plugin'
import nodemailer from 'nodemailer'
import { MailSender } from '../domain/mail/mail-sender.ts'

declare module 'fastify' {
  interface FastifyInstance {
    authMailer: MailSender
  }
}

export interface MailerOptions {
  smtpUrl: string
  from: string
  /** Waits between attempts; tests shorten them. */
  retryBackoffMs?: readonly number[]
}

export const mailerPlugin = fp<MailerOptions>(
  async (app, { smtpUrl, from, retryBackoffMs }) => {
    const transport = nodemailer.createTransport(smtpUrl)
    const log = app.log.child({ component: 'mailer' })
    const sender = new MailSender(
      { send: async (message) => void (await transport.sendMail({ from, ...message })) },
      log,
      retryBackoffMs,
    )
    app.decorate('authMailer', sender)
    app.addHook('onClose', async () => {
      await sender.drain()
      transport.close()
    })
  },
  { name: 'auth-mailer', fastify: '5.x' },
)
