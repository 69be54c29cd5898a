// Builds a service's Fastify instance (zod type provider, request ids, body limit, logger) and
// runs it with graceful shutdown: stop accepting, drain in-flight requests, then onClose hooks
// (consumers, pools, discovery) in reverse registration order.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import closeWithGrace from 'close-with-grace'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { PROBLEM_CONTENT_TYPE } from '@deals/contracts'
import { loggerOptions } from './logger.ts'
import { toProblem } from './problem.ts'

export interface ServerOptions {
  service: string
  logLevel?: string
  /** Largest accepted request body in bytes; 256 KiB unless a service needs more. */
  bodyLimit?: number
  trustProxy?: boolean | string
  /**
   * How long one plugin may take to load, ready hooks included (connecting to PostgreSQL, Redis
   * and RabbitMQ, installing job queues); 60 s, since Fastify's 10 s default fails a loaded machine.
   */
  pluginTimeoutMs?: number
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function createServer({
  service,
  logLevel = 'info',
  bodyLimit = 256 * 1024,
  trustProxy = false,
  pluginTimeoutMs = 60_000,
}: ServerOptions) {
  const app = Fastify({
    logger: loggerOptions(service, logLevel),
    bodyLimit,
    trustProxy,
    pluginTimeout: pluginTimeoutMs,
    // Read by genReqId below; with a header name set, Fastify would take any client value as-is.
    requestIdHeader: false,
    // Accept the gateway's request id when it looks sane; never trust arbitrary text in logs.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    // Errors raised by the router before any hook (a bad URL, an over-long path parameter)
    // get the same problem+json body as everything else.
    frameworkErrors: (error, request, reply) => {
      const problem = toProblem(error)
      void (reply as FastifyReply)
        .code(problem.status)
        .type(PROBLEM_CONTENT_TYPE)
        .send({ ...problem, instance: request.url })
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // The API speaks JSON only; any other body is answered 415 instead of reaching validation.
  app.removeContentTypeParser(['text/plain'])
  // Once closing, every answer still being sent tells its client to close the connection: the
  // server stops only when its connections end, and a kept-alive one would otherwise hold the
  // shutdown for Fastify's keep-alive timeout (72 s), past any grace period.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) reply.header('connection', 'close')
  })
  return app
}

export type ServiceInstance = ReturnType<typeof createServer>

export interface StartOptions {
  host: string
  port: number
  /** How long in-flight work may take to finish after a signal. */
  shutdownGraceMs?: number
}

export async function startServer(
  app: FastifyInstance,
  { host, port, shutdownGraceMs = 10_000 }: StartOptions,
) {
  closeWithGrace({ delay: shutdownGraceMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  try {
    await app.listen({ host, port })
  } catch (err) {
    app.log.fatal({ err }, 'could not start')
    process.exit(1)
  }
}
