// Routes: POST /parties, GET /parties/nearby, GET /parties/:id, GET /me/parties,
// POST /parties/:id/join|leave|cancel.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { requireBuyer } from '../buyer.ts'
import {
  cancelPartySchema,
  createPartySchema,
  getPartySchema,
  joinPartySchema,
  leavePartySchema,
  myPartiesSchema,
  nearbyPartiesSchema,
} from './schemas.ts'

export const partyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { parties, nearby } = app.partyDomain

  app.post('/parties', { schema: createPartySchema, preHandler: requireBuyer }, async (request, reply) => {
    const { productName, itemName, meetAt, deadline, ...terms } = request.body
    const party = await parties.create(requireIdentity(request).userId, {
      ...terms,
      itemName: (itemName ?? productName)!,
      meetAt: new Date(meetAt),
      deadline: new Date(deadline),
    })
    return reply.code(201).send(party)
  })

  app.get('/parties/nearby', { schema: nearbyPartiesSchema }, async (request) => nearby.find(request.query))

  app.get('/parties/:id', { schema: getPartySchema }, async (request) =>
    parties.get(request.params.id, request.identity?.userId),
  )

  app.get('/me/parties', { schema: myPartiesSchema, preHandler: requireUser }, async (request) =>
    parties.mine(requireIdentity(request).userId, request.query),
  )

  app.post('/parties/:id/join', { schema: joinPartySchema, preHandler: requireBuyer }, async (request) =>
    parties.join(requireIdentity(request).userId, request.params.id),
  )

  app.post('/parties/:id/leave', { schema: leavePartySchema, preHandler: requireUser }, async (request) =>
    parties.leave(requireIdentity(request).userId, request.params.id),
  )

  app.post('/parties/:id/cancel', { schema: cancelPartySchema, preHandler: requireUser }, async (request) =>
    parties.cancel(requireIdentity(request).userId, request.params.id),
  )
}
