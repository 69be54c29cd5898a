// Runs the mail sink from the environment until SIGINT or SIGTERM.
import { startMailSink } from './index.ts'

function port(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${raw}"`)
    process.exit(1)
  }
  return value
}

// Loopback unless told otherwise (a container binds 0.0.0.0 so its neighbours can reach it).
const host = process.env.MAIL_SINK_HOST || '127.0.0.1'
const sink = await startMailSink({
  host,
  smtpPort: port('MAIL_SINK_SMTP_PORT', 1025),
  httpPort: port('MAIL_SINK_HTTP_PORT', 8025),
})
console.log(
  `mail sink: SMTP on ${host}:${sink.smtpPort}, messages at http://${host}:${sink.httpPort}/messages`,
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sink.close().then(() => process.exit(0))
  })
}
