// Test helpers shared by every workspace: each test run gets its own PostgreSQL database,
// RabbitMQ vhost and Redis key prefix on the loopback servers, and removes them afterwards; and
// every route of an app can be walked with bad input.
export { createTestDatabase, type TestDatabase } from './postgres.ts'
export { createTestVhost, type TestVhost } from './rabbitmq.ts'
export { createRedisPrefix, type TestRedis } from './redis.ts'
export { uniqueName } from './names.ts'
export {
  assertProblem,
  assertRoutesRegistered,
  badInputsFor,
  bodyWithEveryField,
  routeMethods,
  routeNames,
  routeUrl,
  walkBadInput,
  walkWithoutCredentials,
  withIdempotencyKey,
  type BadInput,
  type BadInputOptions,
  type ExpectedProblem,
  type Injectable,
  type InjectedResponse,
  type WalkedRoute,
  type WalkOptions,
} from './bad-input.ts'
