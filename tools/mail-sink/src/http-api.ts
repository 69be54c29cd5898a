// The HTTP side: captured messages as JSON for tests and developers, newest first.
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import type { MessageStore } from './message-store.ts'

const listQuery = {
  type: 'object',
  properties: {
    to: { type: 'string', format: 'email' },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  additionalProperties: false,
} as const

// RFC 9457 bodies with a stable code, like every service of the platform.
function sendProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const invalid = error.validation !== undefined
  const status = invalid ? 400 : (error.statusCode ?? 500)
  const code = invalid ? 'INVALID_QUERY' : status >= 500 ? 'INTERNAL_ERROR' : (error.code ?? 'BAD_REQUEST')
  void reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `about:blank#${code.toLowerCase()}`,
      title: invalid ? 'Invalid query' : status >= 500 ? 'Internal error' : error.message,
      status,
      code,
      detail: status >= 500 ? 'the mail sink failed; see its log' : error.message,
    })
}

export function buildHttpApi(store: MessageStore): FastifyInstance {
  const app = Fastify({ logger: false })
  app.setErrorHandler(sendProblem)
  app.get<{ Querystring: { to?: string; limit?: number } }>(
    '/messages',
    { schema: { querystring: listQuery } },
    (request) => store.list(request.query),
  )
  app.delete('/messages', async (_request, reply) => {
    store.clear()
    return reply.code(204).send()
  })
  app.get('/healthz', async () => ({ status: 'ok' }))
  return app
}
