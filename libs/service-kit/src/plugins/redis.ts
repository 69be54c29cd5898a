// A named Redis connection: every key goes under the service's prefix (services never touch
// each other's keys), readiness pings it, and it closes with the app.
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis
  }
}

export interface RedisPluginOptions {
  url: string
  /** e.g. `auth:`; tests add a per-run prefix in front. */
  keyPrefix: string
}

export const redisPlugin = fp<RedisPluginOptions>(
  async (app, { url, keyPrefix }) => {
    const redis = new Redis(url, {
      keyPrefix,
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableAutoPipelining: true,
    })
    redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'))
    await redis.connect()
    app.decorate('redis', redis)
    app.addReadinessCheck('redis', () => redis.ping())
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect())
    })
  },
  { name: 'redis', fastify: '5.x', dependencies: ['health'] },
)
