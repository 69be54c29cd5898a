// Test helpers shared by every workspace: each test run gets its own PostgreSQL database,
// RabbitMQ vhost and Redis key prefix on the loopback servers, and removes them afterwards.
export { createTestDatabase, type TestDatabase } from './postgres.ts'
export { createTestVhost, type TestVhost } from './rabbitmq.ts'
export { createRedisPrefix, type TestRedis } from './redis.ts'
export { uniqueName } from './names.ts'
