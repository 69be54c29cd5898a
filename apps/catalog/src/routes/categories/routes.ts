// Routes: GET /categories, POST /categories and PATCH /categories/:id (ADMIN).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole } from '@deals/service-kit'
import { createCategorySchema, listCategoriesSchema, updateCategorySchema } from './schemas.ts'

export const categoryRoutes: FastifyPluginAsyncZod = async (app) => {
  const { categories } = app.storefront
  const admin = requireRole('ADMIN')

  app.get('/categories', { schema: listCategoriesSchema }, async () => ({ items: await categories.list() }))

  app.post('/categories', { schema: createCategorySchema, preHandler: admin }, async (request, reply) =>
    reply.code(201).send(await categories.create(request.body)),
  )

  app.patch('/categories/:id', { schema: updateCategorySchema, preHandler: admin }, async (request) =>
    categories.update(request.params.id, request.body),
  )
}
