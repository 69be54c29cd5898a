// Routes: GET /wallet, POST /wallet/charge (Idempotency-Key), GET /wallet/entries; always the
// caller's own wallet.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { requestHash, type IdempotencyClaim, type StoredAnswer } from '@deals/idempotency'
import { chargeWalletSchema, getWalletSchema, listWalletEntriesSchema } from './schemas.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an Idempotency-Key whose answer is not yet kept. */
    walletIdempotencyClaim: IdempotencyClaim | undefined
  }
}

const TOP_UP_SCOPE = 'POST /wallet/charge'

const send = (reply: FastifyReply, answer: StoredAnswer) =>
  reply.code(answer.statusCode).header('content-type', answer.contentType).send(answer.body)

export const walletRoutes: FastifyPluginAsyncZod = async (app) => {
  const { idempotency, wallets } = app.paymentDomain
  app.decorateRequest('walletIdempotencyClaim', undefined)

  /** Keeps whatever answer went out (success or refusal) for replays; a 5xx frees the key instead. */
  const keepAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.walletIdempotencyClaim
    if (!claim) return payload
    request.walletIdempotencyClaim = undefined
    if (reply.statusCode >= 500 || typeof payload !== 'string') await idempotency.abandon(claim)
    else
      await idempotency.complete(claim, {
        statusCode: reply.statusCode,
        contentType: String(reply.getHeader('content-type')),
        body: payload,
      })
    return payload
  }

  app.get('/wallet', { schema: getWalletSchema, preHandler: requireUser }, async (request) =>
    wallets.balanceOf(requireIdentity(request).userId),
  )

  app.post(
    '/wallet/charge',
    { schema: chargeWalletSchema, preHandler: requireUser, onSend: keepAnswer },
    async (request, reply) => {
      const { userId } = requireIdentity(request)
      const start = await idempotency.start({
        userId,
        scope: TOP_UP_SCOPE,
        key: request.headers['idempotency-key'],
        requestHash: requestHash(request.body),
      })
      if (start.kind === 'replay') return send(reply, start.answer)
      request.walletIdempotencyClaim = start.claim
      return send(reply, await wallets.topUp(userId, request.body.amount, start.claim))
    },
  )

  app.get('/wallet/entries', { schema: listWalletEntriesSchema, preHandler: requireUser }, async (request) =>
    wallets.entriesOf(requireIdentity(request).userId, request.query),
  )
}
