// Answers at the edge a purchase (`POST /api/orders`) the gateway knows the order service would
// refuse: the deal is sold out or not open. Only a request the order service would otherwise
// accept as well formed is answered here (a bearer token, a valid body and Idempotency-Key);
// anything else is forwarded so that the service's own answer (400, ...) stands.
// The refusal is public (the deal and its stock are readable by anyone), so it is given before
// the token's signature is checked, the largest cost of an attempt: after a sell-out every
// attempt is one, and a forged signature learns only what the stock endpoint says. The token's
// other checks still come first (well formed, a key auth publishes, not expired, issuer,
// audience, a subject): a client with a stale token is told to sign in again, not that the deal
// is gone. Whatever is forwarded has its signature verified first. A retry whose Idempotency-Key
// this process already forwarded is forwarded again, so it gets its first answer replayed
// (possibly the 201 of the order that took the last unit) rather than SOLD_OUT.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import { PROBLEM_CONTENT_TYPE, paymentMethodSchema } from '@deals/contracts'
import { problemFor } from '@deals/service-kit'
import type { TokenVerifier } from '../auth/token-verifier.ts'
import type { DealEdgeState } from './deal-edge-state.ts'

// The order service's own refusals, sent as the errors plugin would send them, without the cost
// of an Error (its stack) and a log line per answer: `gateway_edge_answers_total` counts them.
const REFUSALS = {
  SOLD_OUT: problemFor(409, 'SOLD_OUT', 'The deal is sold out', { remaining: 0 }),
  DEAL_NOT_OPEN: problemFor(409, 'DEAL_NOT_OPEN', 'The deal is not open for orders'),
}

/** The order service's body and key rules for placing an order; what fails them is forwarded. */
const placeOrderBody = z.strictObject({
  dealId: z.uuid(),
  quantity: z.number().int().min(1).max(100),
  admissionToken: z.string().min(1).max(4096).optional(),
  addressId: z.uuid().optional(),
  paymentMethod: paymentMethodSchema,
})
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

const PLACE_ORDER_PATHS = new Set(['/api/orders', '/api/orders/'])

export interface EdgeAnswersOptions {
  state: DealEdgeState
  /** Reads the subject a deferred token claims, before its signature is verified. */
  tokens: Pick<TokenVerifier, 'claimedSubject'>
  /** How many forwarded (buyer, Idempotency-Key) pairs are remembered, and for how long. */
  rememberedKeys: number
  rememberKeysMs: number
}

/** A purchase: its bearer token is left to `authenticate` once the edge has looked at it. */
export const isPlacement = (request: FastifyRequest) =>
  request.method === 'POST' && PLACE_ORDER_PATHS.has(request.url.split('?', 1)[0]!)

/** The purchase's deal and Idempotency-Key, if the order service would take it as well formed. */
function placement(request: FastifyRequest) {
  if (!request.bufferedBody || !isPlacement(request)) return undefined
  const key = request.headers['idempotency-key']
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) return undefined
  let body: unknown
  try {
    body = JSON.parse(request.bufferedBody.toString('utf8'))
  } catch {
    return undefined
  }
  const parsed = placeOrderBody.safeParse(body)
  if (!parsed.success) return undefined
  return { dealId: parsed.data.dealId, key }
}

const retryKey = (buyer: string, key: string) => `${buyer}\n${key}`

export const edgeAnswers = fp<EdgeAnswersOptions>(
  async (app, { state, tokens, rememberedKeys, rememberKeysMs }) => {
    const forwarded = new LRUCache<string, true>({ max: rememberedKeys, ttl: rememberKeysMs })
    app.addHook('preHandler', async (request, reply) => {
      const purchase = request.deferredToken === undefined ? undefined : placement(request)
      const refusal = purchase && state.refusal(purchase.dealId, Date.now())
      if (purchase && refusal) {
        const claimed = tokens.claimedSubject(request.deferredToken!)
        if (claimed !== undefined && !forwarded.has(retryKey(claimed, purchase.key))) {
          app.gatewayMetrics.edgeAnswers.inc({ code: refusal })
          return reply
            .code(409)
            .type(PROBLEM_CONTENT_TYPE)
            .send({ ...REFUSALS[refusal], instance: request.url })
        }
      }
      await app.authenticate(request)
      const buyer = request.identity?.userId
      if (purchase && buyer) forwarded.set(retryKey(buyer, purchase.key), true)
    })
  },
  { name: 'edge-answers', fastify: '5.x', dependencies: ['authentication', 'gateway-metrics'] },
)
