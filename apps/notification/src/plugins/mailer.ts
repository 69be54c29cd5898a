// Outgoing mail over SMTP (nodemailer) as a named connection, closed with the app.
import fp from 'fastify-plugin'
import nodemailer from 'nodemailer'
import type { MailTransport } from '../domain/email/email-delivery.ts'

declare module 'fastify' {
  interface FastifyInstance {
    notificationMailer: MailTransport
  }
}

export const mailerPlugin = fp<{ smtpUrl: string; from: string }>(
  async (app, { smtpUrl, from }) => {
    const transport = nodemailer.createTransport(smtpUrl)
    app.decorate('notificationMailer', {
      send: async (message) => void (await transport.sendMail({ from, ...message })),
    })
    app.addHook('onClose', async () => transport.close())
  },
  { name: 'notification-mailer', fastify: '5.x' },
)
