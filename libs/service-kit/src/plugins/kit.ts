// The platform's cross-cutting plugins, registered in a fixed order by every service:
// errors -> health -> metrics -> OpenAPI -> the gateway-signed caller check.
import fp from 'fastify-plugin'
import { errorsPlugin } from './errors.ts'
import { healthPlugin } from './health.ts'
import { metricsPlugin } from './metrics.ts'
import { openApiPlugin } from './openapi.ts'
import { callerPlugin } from './caller.ts'
import type { Registry } from 'prom-client'

export interface ServiceKitOptions {
  service: string
  title: string
  gatewaySigningSecret: string
  metricsRegistry?: Registry
}

export const serviceKit = fp<ServiceKitOptions>(
  async (app, { service, title, gatewaySigningSecret, metricsRegistry }) => {
    await app.register(errorsPlugin)
    await app.register(healthPlugin)
    await app.register(metricsPlugin, { service, registry: metricsRegistry })
    await app.register(openApiPlugin, { service, title })
    await app.register(callerPlugin, { signingSecret: gatewaySigningSecret })
  },
  { name: 'service-kit', fastify: '5.x' },
)
