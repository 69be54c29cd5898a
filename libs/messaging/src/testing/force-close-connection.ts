// Closes an AMQP connection from the server side through the management API, the way a broker
// restart or an operator would, to test that clients reconnect.

const managementUrl = process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672'

interface ManagementConnection {
  name: string
  client_properties?: { connection_name?: string }
}

/** Force-closes every connection whose client-provided name is `connectionName`; returns how many. */
export async function forceCloseConnection(
  connectionName: string,
  options: { timeoutMs?: number } = {},
): Promise<number> {
  const base = new URL(managementUrl)
  const headers = {
    authorization: `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`,
  }
  // The management API learns about new connections with a short delay: retry the lookup.
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  let matching: ManagementConnection[] = []
  while (!matching.length && Date.now() < deadline) {
    const res = await fetch(`${base.origin}/api/connections?columns=name,client_properties`, { headers })
    if (!res.ok) throw new Error(`RabbitMQ management GET /connections: ${res.status}`)
    matching = ((await res.json()) as ManagementConnection[]).filter(
      (c) => c.client_properties?.connection_name === connectionName,
    )
    if (!matching.length) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  for (const c of matching) {
    const res = await fetch(`${base.origin}/api/connections/${encodeURIComponent(c.name)}`, {
      method: 'DELETE',
      headers: { ...headers, 'x-reason': 'forced by a test' },
    })
    if (!res.ok && res.status !== 404) throw new Error(`RabbitMQ management DELETE connection: ${res.status}`)
  }
  return matching.length
}
