// Prisma project used only by this library's tests: the messaging tables plus one effect table.
// Prisma's CLI wants a schema engine even to generate; the workspace's offline shim serves it.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'prisma/config'

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL('../../../../tools/prisma-offline/bin/schema-engine.mjs', import.meta.url),
)
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
})
