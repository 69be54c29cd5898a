// Routes: POST / (place an order), GET / (mine), GET /:id.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { requestHash, type IdempotencyClaim, type StoredAnswer } from '@deals/idempotency'
import { getOrderSchema, listMyOrdersSchema, placeOrderSchema } from './schemas.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an Idempotency-Key whose answer is not yet kept. */
    orderIdempotencyClaim: IdempotencyClaim | undefined
  }
}

const PLACE_ORDER_SCOPE = 'POST /'

const send = (reply: FastifyReply, answer: StoredAnswer) =>
  reply.code(answer.statusCode).header('content-type', answer.contentType).send(answer.body)

export const orderRoutes: FastifyPluginAsyncZod = async (app) => {
  const { idempotency, placement, orders } = app.orderDomain
  app.decorateRequest('orderIdempotencyClaim', undefined)

  /** Keeps whatever answer went out (success or refusal) for replays; a 5xx frees the key instead. */
  const keepAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.orderIdempotencyClaim
    if (!claim) return payload
    request.orderIdempotencyClaim = undefined
    if (reply.statusCode >= 500 || typeof payload !== 'string') await idempotency.abandon(claim)
    else
      await idempotency.complete(claim, {
        statusCode: reply.statusCode,
        contentType: String(reply.getHeader('content-type')),
        body: payload,
      })
    return payload
  }

  app.post(
    '/',
    { schema: placeOrderSchema, preHandler: requireUser, onSend: keepAnswer },
    async (request, reply) => {
      const { userId } = requireIdentity(request)
      const start = await idempotency.start({
        userId,
        scope: PLACE_ORDER_SCOPE,
        key: request.headers['idempotency-key'],
        requestHash: requestHash(request.body),
      })
      if (start.kind === 'replay') return send(reply, start.answer)
      request.orderIdempotencyClaim = start.claim
      return send(reply, await placement.place(userId, request.body, start.claim))
    },
  )

  app.get('/', { schema: listMyOrdersSchema, preHandler: requireUser }, async (request) =>
    orders.mine(requireIdentity(request).userId, request.query),
  )

  app.get('/:id', { schema: getOrderSchema, preHandler: requireUser }, async (request) =>
    orders.visibleTo(requireIdentity(request), request.params.id),
  )
}
