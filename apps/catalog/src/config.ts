// The catalog service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

const base64Key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64')

export const catalogConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_catalog'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('catalog:'),
  /** The broker the outbox relay publishes catalog events to, and order events come from. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  TRUST_PROXY: z.string().default('loopback'),
  /** AES-256-GCM key for secrets kept at rest (webhook signing secrets). */
  DATA_ENCRYPTION_KEY: devDefault(base64Key32, Buffer.alloc(32, 9).toString('base64')),
  /** Where product images are kept: a local folder (default) or an S3-compatible bucket. */
  OBJECT_STORE: z.enum(['local', 's3']).default('local'),
  OBJECT_STORE_DIR: z.string().min(1).default('.data/catalog-images'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style addressing (`<endpoint>/<bucket>/<key>`), which MinIO and most S3 look-alikes need. */
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** Largest accepted image upload. */
  IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  /** Public URL prefix images are served under (the gateway's catalog prefix by default). */
  IMAGE_PUBLIC_BASE_URL: z.string().default('/api/catalog/images'),
  /** Shortest time between booking a deal and its start; 0 lets a deal start seconds after booking. */
  DEAL_MIN_LEAD_SECONDS: z.coerce.number().int().min(0).default(0),
  /** How long before its start a booked (HIDDEN) deal is announced (SCHEDULED, listed). */
  DEAL_ANNOUNCE_LEAD_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(7 * 24 * 3600),
  /** Cron (UTC) of the nightly clean-up of image versions no longer referenced. */
  IMAGE_CLEANUP_CRON: z.string().default('30 18 * * *'),
  /** How long a replaced or deleted image version stays served, for CDNs and clients holding its URL. */
  IMAGE_CLEANUP_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(24 * 3600),
  /** Pages of an item import fetched at the same time. */
  ITEM_IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** Attempts per webhook delivery (the first send and its retries) before it is FAILED. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  /** Wait before a delivery's 2nd attempt, doubled before each next one (2 s, 4 s, 8 s ...). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2000),
  /** Longest wait between two attempts. */
  WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(3600 * 1000),
  /** How long a webhook receiver has to answer one request. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
}

export type CatalogConfig = z.infer<z.ZodObject<typeof catalogConfigShape>>

export const loadCatalogConfig = (env: Record<string, string | undefined> = process.env): CatalogConfig =>
  loadConfig(catalogConfigShape, env)
