// Every refusal the gateway itself makes is problem+json with a stable code; 5xx are logged and
// answered without detail. Mirrors the service kit's error handler, which the kit does not export
// on its own (its `serviceKit` bundle also checks the gateway's signature, which the gateway
// cannot do on itself).
import fp from 'fastify-plugin'
import { PROBLEM_CONTENT_TYPE } from '@deals/contracts'
import { problemFor, toProblem } from '@deals/service-kit'

export const problemErrors = fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const problem = toProblem(error)
      if (problem.status >= 500) request.log.warn({ err: error, code: problem.code }, 'request failed')
      else request.log.info({ code: problem.code, status: problem.status }, 'request refused')
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
