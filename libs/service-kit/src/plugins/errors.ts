// One error handler for the whole service: problem+json with a stable code; 5xx are logged
// with their stack and answered without detail.
import fp from 'fastify-plugin'
import { PROBLEM_CONTENT_TYPE } from '@deals/contracts'
import { problemFor, toProblem } from '../problem.ts'

export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const problem = toProblem(error)
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ code: problem.code, status: problem.status }, 'request refused')
      const headers = (error as { headers?: Record<string, string> }).headers
      if (headers && problem.status === 429) reply.headers(headers)
      return reply
        .code(problem.status)
        .type(PROBLEM_CONTENT_TYPE)
        .send({ ...problem, instance: request.url })
    })
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .type(PROBLEM_CONTENT_TYPE)
        .send({
          ...problemFor(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${request.url}`),
          instance: request.url,
        }),
    )
  },
  { name: 'errors', fastify: '5.x' },
)
