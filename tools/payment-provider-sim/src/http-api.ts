// The simulator's HTTP surface: the merchant API (SECRET_KEY auth, Idempotency-Key on every
// mutating call, latency and faults from the config), the buyer's checkout page and the admin routes.
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import type { Chaos } from './chaos.ts'
import { checkoutPage } from './checkout-page.ts'
import { applyConfigPatch, InvalidConfig, type SimulatorConfig, type SimulatorConfigPatch } from './config.ts'
import { fingerprintOf, type IdempotencyStore, type StoredAnswer } from './idempotency.ts'
import { ProviderError, type PaymentBook, type PaymentRecord, type ReadyInput } from './payment-book.ts'

export interface SimulatorState {
  book: PaymentBook
  idempotency: IdempotencyStore
  chaos: Chaos
  secretKey: string
  config: { current: SimulatorConfig }
  /** Where the buyer's page is served, for `next_redirect_url`. */
  baseUrl: () => string
  /** Aborted on close, so held answers do not keep the server open. */
  closing: AbortSignal
}

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const
const amount = { type: 'integer', minimum: 1, maximum: 1_000_000_000 } as const
const strictObject = <P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false }) as const

const readyBody = strictObject({
  partner_order_id: text(100),
  partner_user_id: text(100),
  item_name: text(200),
  total_amount: amount,
})
const approveBody = strictObject({ tid: text(64), pg_token: text(64), total_amount: amount })
const cancelBody = strictObject({ tid: text(64), cancel_amount: amount, reason: text(200) })
const tidParams = strictObject({ tid: text(64) })
const orderQuery = strictObject({ tid: text(64) })
const rate = { type: 'number', minimum: 0, maximum: 1 } as const
const millis = { type: 'integer', minimum: 0, maximum: 3_600_000 } as const
const configBody = {
  type: 'object',
  properties: {
    latencyMs: millis,
    latencyMinMs: millis,
    latencyMaxMs: millis,
    approveFailureRate: rate,
    serverErrorRate: rate,
    timeoutRate: rate,
    timeoutAppliedRate: rate,
    timeoutMs: millis,
    timeoutNextCalls: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    readyTtlMs: millis,
  },
  additionalProperties: false,
} as const

function providerError(status: number, code: string, message: string): StoredAnswer {
  return { status, body: { code, message } }
}

// Provider-style error bodies ({ code, message }), as Toss and Kakao Pay answer.
function sendError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.validation !== undefined ? 400 : (error.statusCode ?? 500)
  // Fastify's own 4xx (bad JSON, a body too large) read like any other bad request.
  const invalid = error.validation !== undefined || (status < 500 && error.code?.startsWith('FST_'))
  const code = invalid ? 'INVALID_REQUEST' : status >= 500 ? 'INTERNAL_ERROR' : (error.code ?? 'BAD_REQUEST')
  void reply.code(status).send({ code, message: status >= 500 ? 'the simulator failed' : error.message })
}

export function buildHttpApi(state: SimulatorState): FastifyInstance {
  // Unknown fields are refused, not dropped: a mistyped fault knob must not pass silently.
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false } },
  })
  app.setErrorHandler(sendError)
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
  )

  const pause = (ms: number) => sleep(ms, undefined, { signal: state.closing }).catch(() => undefined)

  // Latency, then the call's fate: answer, fail before doing anything, or hang past the client's
  // patience either after applying the call or without applying it.
  async function serve(reply: FastifyReply, work: () => StoredAnswer & { replayed?: boolean }) {
    await pause(state.chaos.latencyMs())
    const fate = state.chaos.fate()
    if (fate === 'server-error')
      return reply.code(503).send({ code: 'PROVIDER_ERROR', message: 'temporary provider failure' })
    if (fate === 'timeout-lost') {
      await pause(state.config.current.timeoutMs)
      return reply.code(504).send({ code: 'PROVIDER_TIMEOUT', message: 'the provider gave up on this call' })
    }
    const answer = work()
    if (fate === 'timeout-applied') await pause(state.config.current.timeoutMs)
    if (answer.replayed) void reply.header('idempotent-replayed', 'true')
    return reply.code(answer.status).send(answer.body)
  }

  function attempt(run: () => unknown): StoredAnswer {
    try {
      return { status: 200, body: run() }
    } catch (error) {
      if (error instanceof ProviderError) return providerError(error.status, error.code, error.message)
      throw error
    }
  }

  const idempotent = (request: FastifyRequest, run: () => unknown) => () =>
    state.idempotency.run(
      request.headers['idempotency-key'] as string,
      fingerprintOf(request.method, request.routeOptions.url ?? request.url, request.body),
      () => attempt(run),
    )

  void app.register(
    async (merchant) => {
      merchant.addHook('onRequest', async (request, reply) => {
        if (request.headers.authorization !== `SECRET_KEY ${state.secretKey}`)
          return reply
            .code(401)
            .send({ code: 'UNAUTHORIZED', message: 'expected Authorization: SECRET_KEY <secret key>' })
        const key = request.headers['idempotency-key']
        if (request.method === 'POST' && (typeof key !== 'string' || key.length < 1 || key.length > 255))
          return reply.code(400).send({
            code: 'IDEMPOTENCY_KEY_REQUIRED',
            message: 'every mutating call needs an Idempotency-Key header (1-255 characters)',
          })
      })

      merchant.post<{ Body: ReadyInput }>('/ready', { schema: { body: readyBody } }, (request, reply) =>
        serve(
          reply,
          idempotent(request, () => {
            const payment = state.book.ready(request.body)
            return {
              tid: payment.tid,
              next_redirect_url: `${state.baseUrl()}/v1/payment/checkout/${payment.tid}`,
              created_at: payment.created_at,
            }
          }),
        ),
      )

      merchant.post<{ Body: { tid: string; pg_token: string; total_amount: number } }>(
        '/approve',
        { schema: { body: approveBody } },
        (request, reply) =>
          serve(
            reply,
            idempotent(request, () => {
              const payment = state.book.approve(request.body, () => state.chaos.approvalDeclined())
              return {
                tid: payment.tid,
                partner_order_id: payment.partner_order_id,
                amount: payment.total_amount,
                approved_at: payment.approved_at,
              }
            }),
          ),
      )

      merchant.post<{ Body: { tid: string; cancel_amount: number; reason: string } }>(
        '/cancel',
        { schema: { body: cancelBody } },
        (request, reply) =>
          serve(
            reply,
            idempotent(request, () => {
              const { payment, cancel } = state.book.cancel(request.body)
              return {
                tid: payment.tid,
                status: payment.status,
                cancel_amount: cancel.amount,
                total_cancelled_amount: payment.cancelled_amount,
                remaining_amount: payment.total_amount - payment.cancelled_amount,
                cancelled_at: cancel.cancelled_at,
              }
            }),
          ),
      )

      merchant.get<{ Querystring: { tid: string } }>(
        '/order',
        { schema: { querystring: orderQuery } },
        (request, reply) => serve(reply, () => attempt(() => state.book.get(request.query.tid))),
      )
    },
    { prefix: '/v1/payment' },
  )

  // The buyer's browser: no merchant key, no faults (the buyer's side is not what is tested).
  app.get<{ Params: { tid: string } }>(
    '/v1/payment/checkout/:tid',
    { schema: { params: tidParams } },
    (request, reply) => {
      const answer = attempt(() => state.book.get(request.params.tid))
      if (answer.status !== 200) return reply.code(answer.status).send(answer.body)
      return reply.type('text/html; charset=utf-8').send(checkoutPage(answer.body as PaymentRecord))
    },
  )
  app.post<{ Params: { tid: string } }>(
    '/v1/payment/checkout/:tid/authorize',
    { schema: { params: tidParams } },
    (request, reply) => {
      const answer = attempt(() => ({
        tid: request.params.tid,
        pg_token: state.book.authorize(request.params.tid),
      }))
      return reply.code(answer.status).send(answer.body)
    },
  )

  app.get('/__admin/config', async () => state.config.current)
  app.post<{ Body: SimulatorConfigPatch }>(
    '/__admin/config',
    { schema: { body: configBody } },
    async (request, reply) => {
      try {
        state.config.current = applyConfigPatch(state.config.current, request.body)
        return state.config.current
      } catch (error) {
        if (!(error instanceof InvalidConfig)) throw error
        return reply.code(400).send({ code: 'INVALID_CONFIG', message: error.message })
      }
    },
  )
  app.get<{ Querystring: { partner_order_id?: string } }>(
    '/__admin/payments',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { partner_order_id: text(100) },
          additionalProperties: false,
        },
      },
    },
    async (request) => state.book.list({ partnerOrderId: request.query.partner_order_id }),
  )
  app.delete('/__admin/payments', async (_request, reply) => {
    state.book.clear()
    state.idempotency.clear()
    return reply.code(204).send()
  })
  app.get('/healthz', async () => ({ status: 'ok' }))
  return app
}
