// Checks that the servers the platform needs answer on loopback before anything starts, so a
// missing one is reported by name with the command that starts it.
import { Socket } from 'node:net'

export interface Endpoint {
  name: string
  host: string
  port: number
  hint: string
}

export const LOCAL_INFRA: Endpoint[] = [
  {
    name: 'PostgreSQL',
    host: '127.0.0.1',
    port: 5432,
    hint: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'Redis',
    host: '127.0.0.1',
    port: 6379,
    hint: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  },
  { name: 'RabbitMQ', host: '127.0.0.1', port: 5672, hint: 'rabbitmq-server -detached' },
]

export function reachable({ host, port }: Endpoint, timeoutMs = 1_500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.connect(port, host, () => done(true))
  })
}

export async function missingInfra(endpoints = LOCAL_INFRA): Promise<Endpoint[]> {
  const results = await Promise.all(endpoints.map(async (e) => ((await reachable(e)) ? null : e)))
  return results.filter((e): e is Endpoint => e !== null)
}
