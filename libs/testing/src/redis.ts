import { Redis } from 'ioredis'
import { uniqueName } from './names.ts'

export interface TestRedis {
  url: string
  prefix: string
  /** Deletes every key under the prefix and closes the helper's connection. */
  cleanup(): Promise<void>
}

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix of its own for one test run; the code under test must put it in front of every key. */
export function createRedisPrefix(name: string): TestRedis {
  const prefix = `${uniqueName(`t_${name}`)}:`
  return {
    url: redisUrl,
    prefix,
    async cleanup() {
      const redis = new Redis(redisUrl, { lazyConnect: true })
      await redis.connect()
      try {
        let cursor = '0'
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
          cursor = next
          if (keys.length) await redis.del(...keys)
        } while (cursor !== '0')
      } finally {
        redis.disconnect()
      }
    },
  }
}
