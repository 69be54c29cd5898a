// Forwards each public prefix to its service. The upstream instance is picked through discovery
// per request (so a departed instance stops getting traffic), bodies are read up to the body
// limit before anything is forwarded, and upstream failures become 503/504 problems.
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import httpProxy from '@fastify/http-proxy'
import type { Dispatcher } from 'undici'
import { NotFound, ValidationFailed } from '@deals/service-kit'
import { forwardedQuery } from '../auth/stream-token.ts'
import type { ProxyRoute } from './route-table.ts'
import { assertedHeaders, rewriteForwardedHeaders } from './forwarded-headers.ts'
import { failureCode, upstreamFailure } from './upstream-errors.ts'
import { isUpgrade, webSocketProxy } from './websocket-proxy.ts'
import { isPlacement } from '../edge/edge-answers.ts'
import { clientHeaders, forwardWhole } from './whole-forward.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Base URL of the instance this request is forwarded to. */
    upstreamUrl: string
    /** The request body as it came (read whole before forwarding), for the edge to look at. */
    bufferedBody: Buffer | undefined
  }
}

export interface ProxyRoutesOptions {
  routes: readonly ProxyRoute[]
  agent: Dispatcher
  signingSecret: string
  /** Limit for image bodies (uploads); every other body is bounded by the server's bodyLimit. */
  imageBodyLimit: number
  /** How long an upstream has to answer a WebSocket handshake, or a purchase forwarded whole. */
  upstreamTimeoutMs: number
}

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp']

export async function proxyRoutes(
  app: FastifyInstance,
  { routes, agent, signingSecret, imageBodyLimit, upstreamTimeoutMs }: ProxyRoutesOptions,
) {
  app.decorateRequest('upstreamUrl', '')
  // Buffered (bounded by bodyLimit, for declared and chunked lengths alike) so an oversized body
  // is a 413 before the upstream sees a byte; then streamed on as it came.
  app.removeAllContentTypeParsers()
  app.decorateRequest('bufferedBody', undefined)
  const forwardBuffered = (
    request: FastifyRequest,
    body: string | Buffer,
    done: (e: null, b?: Readable) => void,
  ) => {
    if (body.length === 0) return done(null, undefined)
    request.bufferedBody = body as Buffer
    // A purchase is forwarded whole from the buffer; only reply-from needs a stream of it.
    done(null, isPlacement(request) ? undefined : Readable.from([body]))
  }
  app.addContentTypeParser('*', { parseAs: 'buffer' }, forwardBuffered)
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: imageBodyLimit }, forwardBuffered)
  const rewriteRequestHeaders = rewriteForwardedHeaders(signingSecret)
  const webSockets = webSocketProxy(app, { handshakeTimeoutMs: upstreamTimeoutMs })

  // The hot path: a purchase goes and comes back whole, without reply-from's streams. Done by the
  // route's handler, so after every preHandler (identity, rate limit, the upstream's pick).
  app.addHook('onRoute', (routeOptions) => {
    const route = routes.find((r) => r.prefix === routeOptions.prefix)
    if (!route || route.rewritePrefix !== '') return
    const proxied = routeOptions.handler
    routeOptions.handler = async function (request, reply) {
      if (!request.bufferedBody || !isPlacement(request)) return proxied.call(this, request, reply)
      const query = forwardedQuery(request.url)
      try {
        return await forwardWhole(reply, {
          agent,
          origin: request.upstreamUrl,
          path: `/${query ? `?${query}` : ''}`,
          headers: rewriteRequestHeaders(request, clientHeaders(request)),
          body: request.bufferedBody,
          timeoutMs: upstreamTimeoutMs,
        })
      } catch (error) {
        app.gatewayMetrics.upstreamErrors.inc({ service: route.service, cause: failureCode(error) })
        throw upstreamFailure(route.service, error)
      }
    }
  })

  for (const route of routes) {
    const { service } = route
    await app.register(httpProxy, {
      prefix: route.prefix,
      rewritePrefix: route.rewritePrefix,
      // Only where the prefix is removed: a kept prefix is the upstream path already.
      ...(route.rewritePrefix === ''
        ? { preRewrite: (url: string) => withSlashBeforeQuery(url, route.prefix) }
        : {}),
      upstream: '',
      proxyPayloads: false,
      undici: agent,
      disableRequestLogging: true,
      config: { sellerApi: route.sellerApi },
      preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
        if (isUpgrade(request) && !route.websocket) throw NotFound()
        try {
          request.upstreamUrl = (await app.discovery.pick(service)).url
        } catch (error) {
          app.gatewayMetrics.upstreamErrors.inc({ service, cause: 'NO_INSTANCE' })
          throw upstreamFailure(service, error)
        }
        if (!isUpgrade(request)) return
        // The upgrade request to the upstream carries only what the gateway asserts.
        const url = webSocketUrl(route, request)
        try {
          return await webSockets.forward(request, reply, url, assertedHeaders(request, signingSecret))
        } catch (error) {
          app.gatewayMetrics.upstreamErrors.inc({ service, cause: failureCode(error) })
          throw upstreamFailure(service, error)
        }
      },
      replyOptions: {
        getUpstream: (request) => (request as FastifyRequest).upstreamUrl,
        rewriteRequestHeaders: (request, headers) =>
          rewriteRequestHeaders(request as FastifyRequest, headers),
        queryString: (_search, requestUrl) => forwardedQuery(requestUrl),
        // Never resend on our own: a non-idempotent request may already have had its effect.
        retryDelay: () => null,
        onError: (reply, { error }) => {
          app.gatewayMetrics.upstreamErrors.inc({ service, cause: failureCode(error) })
          reply.send(upstreamFailure(service, error))
        },
      },
    })
  }
}

/** The upstream URL of a WebSocket request: its path under the route's upstream prefix, without the token. */
function webSocketUrl(route: ProxyRoute, request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0]!.slice(route.prefix.length)
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    throw ValidationFailed('The path is not valid')
  }
  // The upstream would resolve `..` out of the route's prefix.
  if (decoded.replaceAll('\\', '/').split('/').includes('..')) throw ValidationFailed('The path is not valid')
  const query = forwardedQuery(request.url)
  return `${request.upstreamUrl.replace(/^http/, 'ws')}${route.rewritePrefix}${path}${query ? `?${query}` : ''}`
}

/**
 * `/api/orders?limit=1` as `/api/orders/?limit=1`: @fastify/http-proxy turns the bare prefix with
 * a query into the relative URL `?limit=1`, which reaches the upstream as the gateway's own path
 * (a 404 there) instead of `/?limit=1`.
 */
function withSlashBeforeQuery(url: string, prefix: string): string {
  return url.startsWith(`${prefix}?`) ? `${prefix}/${url.slice(prefix.length)}` : url
}
