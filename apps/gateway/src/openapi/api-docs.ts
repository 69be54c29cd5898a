// The platform's API documentation at the gateway: every service's own /openapi.json, fetched
// through discovery (a service that is down keeps its last known document, or is left out),
// merged under its public prefix, served at GET /docs/json with the Swagger UI at GET /docs.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { UpstreamClient } from '../proxy/upstream-client.ts'
import { mergeDocuments, type OpenApiDocument, type ServiceDocument } from './merge-documents.ts'

export interface ApiDocsOptions {
  /** Public prefix per service; the first prefix listed for a service is used. */
  services: readonly { service: string; prefix: string }[]
  upstream: UpstreamClient
  refreshIntervalMs: number
}

const GATEWAY_DOCUMENT: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Deals platform API',
    version: '0.1.0',
    description:
      'Every public API of the platform through the gateway. Authenticate with `Authorization: Bearer <accessToken>` ' +
      '(from POST /api/auth/login) or, on /seller/v1, `Authorization: ApiKey <key>`. Errors are application/problem+json with a stable `code`.',
  },
  paths: {},
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'ApiKey <key>' },
    },
  },
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Fetches every service's document now; the docs are also refreshed periodically. */
    refreshApiDocs(): Promise<void>
  }
}

export const apiDocs = fp<ApiDocsOptions>(
  async (app, { services, upstream, refreshIntervalMs }) => {
    const known = new Map<string, ServiceDocument>()
    let merged = GATEWAY_DOCUMENT

    const refresh = async () => {
      await Promise.all(
        services.map(async ({ service, prefix }) => {
          try {
            const document = (await upstream.json(service, '/openapi.json', {
              timeoutMs: 2_000,
            })) as OpenApiDocument
            known.set(service, { service, prefix, document })
          } catch (error) {
            app.log.debug({ service, err: (error as Error).message }, 'OpenAPI document not refreshed')
          }
        }),
      )
      merged = mergeDocuments(GATEWAY_DOCUMENT, [...known.values()])
    }
    app.decorate('refreshApiDocs', refresh)

    await app.register(swagger, { mode: 'static', specification: { document: GATEWAY_DOCUMENT as never } })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      transformSpecificationClone: false,
      transformSpecification: () => merged as Record<string, unknown>,
    })

    let timer: NodeJS.Timeout | undefined
    app.addHook('onReady', async () => {
      await refresh()
      timer = setInterval(() => void refresh(), refreshIntervalMs).unref()
    })
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'api-docs', fastify: '5.x', dependencies: ['discovery'] },
)
