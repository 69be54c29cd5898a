// One-shot: loads definitions.json into RabbitMQ through the management API once the broker is
// up. (Loading them at boot would skip creating the default user, whose password stays out of
// the repository.) RABBITMQ_MANAGEMENT_URL carries the credentials: http://user:pass@host:15672
import { readFile } from 'node:fs/promises'

const base = new URL(process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672')
const auth = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`
const definitions = await readFile(new URL('./definitions.json', import.meta.url), 'utf8')

for (let attempt = 1; ; attempt++) {
  try {
    const res = await fetch(new URL('/api/definitions', base.origin), {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: definitions,
    })
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
    console.log('RabbitMQ definitions loaded')
    break
  } catch (err) {
    if (attempt === 30) throw err
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}
