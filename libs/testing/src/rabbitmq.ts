import { uniqueName } from './names.ts'

export interface TestVhost {
  name: string
  url: string
  drop(): Promise<void>
}

const managementUrl = process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672'
const amqpBase = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

async function management(method: string, path: string, body?: unknown): Promise<void> {
  const base = new URL(managementUrl)
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64')
  const res = await fetch(`${base.origin}/api${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok && res.status !== 404)
    throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`)
}

/** A vhost of its own for one test run, so queues and exchanges never collide between runs. */
export async function createTestVhost(prefix: string): Promise<TestVhost> {
  const name = uniqueName(`t_${prefix}`)
  const user = new URL(amqpBase).username || 'guest'
  await management('PUT', `/vhosts/${encodeURIComponent(name)}`, {})
  await management('PUT', `/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  })
  return {
    name,
    url: `${amqpBase}/${encodeURIComponent(name)}`,
    drop: () => management('DELETE', `/vhosts/${encodeURIComponent(name)}`),
  }
}
