// The services as operations sees them: names and ports, plus what a container of each needs (a database of its own, a writable folder, its share of the machine).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The default ports of DESIGN.md (and of tools/dev, which `npm start` uses). */
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

export interface ResourceShare {
  cpu: { request: string; limit: string }
  memory: { request: string; limit: string }
}

export interface PlatformService {
  name: ServiceName
  port: number
  /** Owns a PostgreSQL database and reads its credentials from `<name>-secrets`. */
  database: boolean
  /** Extra writable folders, mounted as emptyDir volumes (the root filesystem is read-only). */
  writable: { name: string; path: string; env?: string }[]
  resources: ResourceShare
}

const standard: ResourceShare = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '256Mi', limit: '768Mi' },
}

/** The gateway verifies every token and forwards every request: it gets the larger share. */
const edge: ResourceShare = {
  cpu: { request: '250m', limit: '2' },
  memory: { request: '256Mi', limit: '768Mi' },
}

export const PLATFORM: PlatformService[] = (Object.keys(SERVICE_PORTS) as ServiceName[]).map((name) => ({
  name,
  port: SERVICE_PORTS[name],
  database: name !== 'gateway',
  writable:
    name === 'catalog' ? [{ name: 'images', path: '/var/lib/deals/images', env: 'OBJECT_STORE_DIR' }] : [],
  resources: name === 'gateway' ? edge : standard,
}))

/** A service exists in the code base once its entry point does (the others are on their way). */
export function serviceExists(root: string, name: ServiceName): boolean {
  return existsSync(join(root, 'apps', name, 'src', 'main.ts'))
}

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
