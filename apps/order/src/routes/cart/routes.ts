// Routes: GET /cart, PUT|DELETE /cart/items/:dealId, POST /cart/checkout (the signed-in buyer's).
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import type { StoredAnswer } from '@deals/idempotency'
import { checkoutSchema, deleteCartItemSchema, getCartSchema, putCartItemSchema } from './schemas.ts'

/** The checkout's answer as first sent, byte for byte, for replays. */
const sendAnswer = (reply: FastifyReply, answer: StoredAnswer) =>
  reply.code(answer.statusCode).header('content-type', answer.contentType).send(answer.body)

export const cartRoutes: FastifyPluginAsyncZod = async (app) => {
  const { carts, checkout } = app.orderCarts

  app.get('/cart', { schema: getCartSchema, preHandler: requireUser }, async (request) =>
    carts.view(requireIdentity(request).userId),
  )

  app.put('/cart/items/:dealId', { schema: putCartItemSchema, preHandler: requireUser }, async (request) =>
    carts.put(requireIdentity(request).userId, request.params.dealId, request.body.quantity),
  )

  app.delete(
    '/cart/items/:dealId',
    { schema: deleteCartItemSchema, preHandler: requireUser },
    async (request) => carts.remove(requireIdentity(request).userId, request.params.dealId),
  )

  app.post('/cart/checkout', { schema: checkoutSchema, preHandler: requireUser }, async (request, reply) => {
    const answer = await checkout.checkout(
      requireIdentity(request).userId,
      request.body,
      request.headers['idempotency-key'],
    )
    return sendAnswer(reply, answer)
  })
}
