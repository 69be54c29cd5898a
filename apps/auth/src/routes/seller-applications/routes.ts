// Routes: POST /seller-applications, GET /seller-applications/me, and the admin review under /admin/seller-applications.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole, requireUser } from '@deals/service-kit'
import {
  applySchema,
  approveSchema,
  listApplicationsSchema,
  myApplicationsSchema,
  rejectSchema,
} from './schemas.ts'

export const sellerApplicationRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = requireRole('ADMIN')

  app.post('/seller-applications', { schema: applySchema, preHandler: requireUser }, async (request, reply) =>
    reply.code(201).send(await app.authDomain.sellers.apply(requireIdentity(request).userId, request.body)),
  )

  app.get(
    '/seller-applications/me',
    { schema: myApplicationsSchema, preHandler: requireUser },
    async (request) => ({
      items: await app.authDomain.sellers.mine(requireIdentity(request).userId),
    }),
  )

  app.get(
    '/admin/seller-applications',
    { schema: listApplicationsSchema, preHandler: admin },
    async (request) => app.authDomain.sellers.list(request.query),
  )

  app.post(
    '/admin/seller-applications/:id/approve',
    { schema: approveSchema, preHandler: admin },
    async (request) => app.authDomain.sellers.approve(request.params.id, requireIdentity(request).userId),
  )

  app.post(
    '/admin/seller-applications/:id/reject',
    { schema: rejectSchema, preHandler: admin },
    async (request) =>
      app.authDomain.sellers.reject(request.params.id, requireIdentity(request).userId, request.body.reason),
  )
}
