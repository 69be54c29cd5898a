// The waiting room's Lua scripts, each in its own file, defined once on the Redis connection
// (ioredis sends EVALSHA and falls back to EVAL after a script cache flush).
import { readFileSync } from 'node:fs'
import type { ClientContext, Redis, Result } from 'ioredis'

type Arg = string | number

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    queueMirrorDeal(...keysAndArgs: Arg[]): Result<number, Context>
    queueEnter(...keysAndArgs: Arg[]): Result<(string | number)[], Context>
    queueOpen(...keysAndArgs: Arg[]): Result<number, Context>
    queueAdmit(...keysAndArgs: Arg[]): Result<(string | number)[], Context>
    queueAcquireLease(...keysAndArgs: Arg[]): Result<number, Context>
    queueReleaseLease(...keysAndArgs: Arg[]): Result<number, Context>
  }
}

const SCRIPTS = {
  queueMirrorDeal: { file: 'mirror-deal.lua', numberOfKeys: 4 },
  queueEnter: { file: 'enter-queue.lua', numberOfKeys: 3 },
  queueOpen: { file: 'open-queue.lua', numberOfKeys: 2 },
  queueAdmit: { file: 'admit-buyers.lua', numberOfKeys: 4 },
  queueAcquireLease: { file: 'acquire-lease.lua', numberOfKeys: 1 },
  queueReleaseLease: { file: 'release-lease.lua', numberOfKeys: 1 },
} as const

export function defineQueueScripts(redis: Redis): void {
  for (const [name, { file, numberOfKeys }] of Object.entries(SCRIPTS)) {
    if (name in redis) continue
    const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8')
    redis.defineCommand(name, { lua, numberOfKeys })
  }
}
