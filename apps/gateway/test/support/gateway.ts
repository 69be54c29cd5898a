// Starts the real gateway on port 0 against test upstreams named through static discovery (or a
// fake Consul), with its own Redis key prefix; `close` stops it and removes its keys.
import type { AddressInfo } from 'node:net'
import { createServer as createNetServer } from 'node:net'
import { createServer } from '@deals/service-kit'
import { TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix } from '@deals/testing'
import { gatewayApp } from '../../src/app.ts'
import { loadGatewayConfig } from '../../src/config.ts'
import { TEST_AUDIENCE, TEST_ISSUER } from './tokens.ts'

export interface TestGateway {
  url: string
  app: Awaited<ReturnType<typeof buildGateway>>
  close(): Promise<void>
}

/** A URL where nothing listens: a port the OS handed out and took back. */
export async function deadUrl(): Promise<string> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

const SERVICES = ['auth', 'catalog', 'party', 'order', 'payment', 'queue', 'notification']

async function buildGateway(env: Record<string, string>) {
  const config = loadGatewayConfig(env)
  const app = createServer({
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
  })
  await app.register(gatewayApp, { config, env })
  return app
}

/** `services` maps a service name to its URL; services left out point at a dead port. */
export async function startGateway(
  services: Record<string, string>,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const redis = createRedisPrefix('gateway')
  const nowhere = await deadUrl()
  const serviceUrls = Object.fromEntries(
    SERVICES.map((service) => [`SERVICE_${service.toUpperCase()}_URL`, services[service] ?? nowhere]),
  )
  const app = await buildGateway({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `${redis.prefix}gw:`,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    BODY_LIMIT_BYTES: '1024',
    IMAGE_BODY_LIMIT_BYTES: '8192',
    RATE_LIMIT_ANONYMOUS_MAX: '100000',
    RATE_LIMIT_USER_MAX: '100000',
    ...serviceUrls,
    ...env,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    async close() {
      await app.close()
      await redis.cleanup()
    },
  }
}
