// Each service describes itself as OpenAPI generated from its zod route schemas and serves the
// document at /openapi.json; the gateway merges them into one document under its prefixes.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

export interface OpenApiOptions {
  service: string
  title: string
  version?: string
}

export const openApiPlugin = fp<OpenApiOptions>(
  async (app, { title, version = '0.1.0' }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title, version },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'ApiKey <key>' },
          },
        },
      },
      transform: jsonSchemaTransform,
      hideUntagged: false,
    })
    app.get(
      '/openapi.json',
      { config: { internalAuth: false }, schema: { hide: true }, logLevel: 'warn' },
      async () => app.swagger(),
    )
  },
  { name: 'openapi', fastify: '5.x' },
)
