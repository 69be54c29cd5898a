// The platform's services as the local orchestrator knows them: name, default port and the
// database each one owns. A service takes part once its `src/main.ts` exists.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export interface ServiceSpec {
  name: string
  port: number
  /** Services with a Prisma schema own a database named `deals_<name>`. */
  hasDatabase: boolean
  dir: string
}

export const SERVICE_PORTS = {
  gateway: 8080,
  auth: 3001,
  catalog: 3002,
  party: 3003,
  order: 3004,
  payment: 3005,
  queue: 3006,
  notification: 3007,
} as const

export type ServiceName = keyof typeof SERVICE_PORTS

/** Start order: auth first (the gateway needs its JWKS), the gateway last. */
const START_ORDER: ServiceName[] = [
  'auth',
  'catalog',
  'party',
  'order',
  'payment',
  'queue',
  'notification',
  'gateway',
]

export function availableServices(root: string, portOffset = 0): ServiceSpec[] {
  return START_ORDER.map((name) => {
    const dir = join(root, 'apps', name)
    return {
      name,
      dir,
      port: SERVICE_PORTS[name] + portOffset,
      hasDatabase: existsSync(join(dir, 'prisma', 'schema.prisma')),
    }
  }).filter((s) => existsSync(join(s.dir, 'src', 'main.ts')))
}
