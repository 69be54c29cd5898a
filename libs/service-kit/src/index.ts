// The service kit: what every service of the platform is built from.
export {
  baseConfigShape,
  inboxRetentionConfigShape,
  devDefault,
  loadConfig,
  ConfigError,
  nodeEnvSchema,
} from './config.ts'
export {
  DomainError,
  defineError,
  type DomainErrorFactory,
  Unauthenticated,
  Forbidden,
  NotFound,
  Conflict,
  ValidationFailed,
  RateLimited,
  ServiceUnavailable,
} from './errors.ts'
export { toProblem, problemFor } from './problem.ts'
export {
  problemResponses,
  pageQueryShape,
  pageOf,
  encodeCursor,
  decodeCursor,
  InvalidCursor,
} from './responses.ts'
export { loggerOptions, maskUrl } from './logger.ts'
export { createServer, startServer, type ServiceInstance, type ServerOptions } from './server.ts'
export { serviceKit, type ServiceKitOptions } from './plugins/kit.ts'
export { errorsPlugin } from './plugins/errors.ts'
export { healthPlugin } from './plugins/health.ts'
export { metricsPlugin, type MetricsOptions } from './plugins/metrics.ts'
export { openApiPlugin, type OpenApiOptions } from './plugins/openapi.ts'
export { callerPlugin, type CallerOptions } from './plugins/caller.ts'
export { requireIdentity, requireRole, requireUser } from './plugins/caller.ts'
export { InsufficientScope, requireSeller, requireSellerScope, sellerIdOf } from './plugins/seller-caller.ts'
export { discoveryPlugin, type DiscoveryPluginOptions } from './plugins/discovery.ts'
export { redisPlugin, type RedisPluginOptions } from './plugins/redis.ts'
export { ipRateLimitPlugin, TooManyRequests } from './plugins/ip-rate-limit.ts'
export {
  RowRetention,
  retentionPlugin,
  type RawExecutor,
  type RetentionOptions,
  type RetentionPluginOptions,
  type RetentionRule,
  type Sweep,
} from './plugins/retention.ts'
export { createPrismaClient, type PrismaLike, type PrismaPluginOptions } from './plugins/prisma.ts'
export {
  signIdentityHeaders,
  verifyIdentityHeaders,
  ASSERTED_HEADER_NAMES,
  MAX_SIGNATURE_AGE_MS,
} from './internal-auth.ts'
export { startTelemetry, type TelemetryOptions } from './telemetry/sdk.ts'
