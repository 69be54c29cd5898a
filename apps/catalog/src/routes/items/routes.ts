// Routes: GET /items, GET /items/:id; POST /admin/item-imports, GET /admin/item-imports(/:id) (ADMIN).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole } from '@deals/service-kit'
import {
  getImportSchema,
  getItemSchema,
  listImportsSchema,
  requestImportSchema,
  searchItemsSchema,
} from './schemas.ts'

export const itemRoutes: FastifyPluginAsyncZod = async (app) => {
  const { master, imports, requestImport } = app.catalogItems
  const admin = requireRole('ADMIN')

  app.get('/items', { schema: searchItemsSchema }, async (request) => master.search(request.query))

  app.get('/items/:id', { schema: getItemSchema }, async (request) => master.get(request.params.id))

  app.post(
    '/admin/item-imports',
    { schema: requestImportSchema, preHandler: admin },
    async (request, reply) =>
      reply
        .code(202)
        .send(await requestImport({ ...request.body, requestedBy: requireIdentity(request).userId })),
  )

  app.get('/admin/item-imports', { schema: listImportsSchema, preHandler: admin }, async (request) =>
    imports.list(request.query),
  )

  app.get('/admin/item-imports/:id', { schema: getImportSchema, preHandler: admin }, async (request) =>
    imports.get(request.params.id),
  )
}
