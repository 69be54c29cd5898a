// Routes: POST /deals, PATCH /deals/:id, POST /deals/:id/suspend|resume, GET /deals,
// GET /deals/:id, GET /seller/deals.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import { requireIdentity, requireRole } from '@deals/service-kit'
import type { Identity } from '@deals/contracts'
import type { DealActor } from '../../domain/deals/deal-book.ts'
import {
  bookDealSchema,
  getDealSchema,
  listDealsSchema,
  listOwnDealsSchema,
  resumeDealSchema,
  suspendDealSchema,
  updateDealSchema,
} from './schemas.ts'

const actorOf = (identity: Identity): DealActor => ({
  userId: identity.userId,
  sellerId: identity.sellerId,
  isAdmin: identity.roles.includes('ADMIN'),
})

const actor = (request: FastifyRequest) => actorOf(requireIdentity(request))

const toDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value))

export const dealRoutes: FastifyPluginAsyncZod = async (app) => {
  const { book, listings } = app.catalogDeals
  const seller = requireRole('SELLER')
  const sellerOrAdmin = requireRole('SELLER', 'ADMIN')

  app.post('/deals', { schema: bookDealSchema, preHandler: seller }, async (request, reply) => {
    const { startsAt, endsAt, ...terms } = request.body
    const deal = await book.book(actor(request), {
      ...terms,
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    })
    return reply.code(201).send(deal)
  })

  app.patch('/deals/:id', { schema: updateDealSchema, preHandler: seller }, async (request) => {
    const { startsAt, endsAt, ...terms } = request.body
    return book.update(actor(request), request.params.id, {
      ...terms,
      startsAt: toDate(startsAt),
      endsAt: toDate(endsAt),
    })
  })

  app.post('/deals/:id/suspend', { schema: suspendDealSchema, preHandler: sellerOrAdmin }, async (request) =>
    book.suspend(actor(request), request.params.id, request.body.reason),
  )

  app.post('/deals/:id/resume', { schema: resumeDealSchema, preHandler: sellerOrAdmin }, async (request) =>
    book.resume(actor(request), request.params.id),
  )

  app.get('/deals', { schema: listDealsSchema }, async (request) => ({
    ...(await listings.list(request.query)),
    serverTime: new Date().toISOString(),
  }))

  app.get('/deals/:id', { schema: getDealSchema }, async (request) =>
    listings.get(request.params.id, request.identity && actorOf(request.identity)),
  )

  app.get('/seller/deals', { schema: listOwnDealsSchema, preHandler: seller }, async (request) => ({
    ...(await book.listOwn(actor(request), request.query)),
    serverTime: new Date().toISOString(),
  }))
}
