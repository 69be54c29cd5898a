// Routes: /seller/v1/deals (GET, POST), /seller/v1/deals/:id (GET, PATCH), POST
// /seller/v1/deals/:id/suspend|resume. Always as the seller, never as an admin.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireSellerScope, sellerIdOf } from '@deals/service-kit'
import type { DealActor } from '../../../domain/deals/deal-book.ts'
import {
  sellerBookDealSchema,
  sellerGetDealSchema,
  sellerListDealsSchema,
  sellerResumeDealSchema,
  sellerSuspendDealSchema,
  sellerUpdateDealSchema,
} from './schemas.ts'

const seller = (request: FastifyRequest): DealActor => ({
  userId: requireIdentity(request).userId,
  sellerId: sellerIdOf(request),
  isAdmin: false,
})

const toDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value))

export const sellerDealRoutes: FastifyPluginAsyncZod = async (app) => {
  const { book } = app.catalogDeals
  const read = requireSellerScope('deals:read')
  const write = requireSellerScope('deals:write')

  app.get('/seller/v1/deals', { schema: sellerListDealsSchema, onRequest: read }, async (request) => ({
    ...(await book.listOwn(seller(request), request.query)),
    serverTime: new Date().toISOString(),
  }))

  app.post('/seller/v1/deals', { schema: sellerBookDealSchema, onRequest: write }, async (request, reply) => {
    const { startsAt, endsAt, ...terms } = request.body
    const deal = await book.book(seller(request), {
      ...terms,
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    })
    return reply.code(201).send(deal)
  })

  app.get('/seller/v1/deals/:id', { schema: sellerGetDealSchema, onRequest: read }, async (request) =>
    book.get(seller(request), request.params.id),
  )

  app.patch('/seller/v1/deals/:id', { schema: sellerUpdateDealSchema, onRequest: write }, async (request) => {
    const { startsAt, endsAt, ...terms } = request.body
    return book.update(seller(request), request.params.id, {
      ...terms,
      startsAt: toDate(startsAt),
      endsAt: toDate(endsAt),
    })
  })

  app.post(
    '/seller/v1/deals/:id/suspend',
    { schema: sellerSuspendDealSchema, onRequest: write },
    async (request) => book.suspend(seller(request), request.params.id, request.body.reason),
  )

  app.post(
    '/seller/v1/deals/:id/resume',
    { schema: sellerResumeDealSchema, onRequest: write },
    async (request) => book.resume(seller(request), request.params.id),
  )
}
