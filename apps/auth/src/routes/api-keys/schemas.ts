// Seller API keys and their introspection by the gateway.
import { z } from 'zod'
import { apiKeyScopeSchema } from '@deals/contracts'
import { problemResponses } from '../problem-responses.ts'

const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('dk_<publicId>: identifies the key without revealing it'),
  scopes: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
})

export const createApiKeySchema = {
  tags: ['api-keys'],
  summary: 'Create an API key (SELLER); the key is in this response only',
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(apiKeyScopeSchema).min(1).max(20),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
      .optional(),
  }),
  response: {
    201: apiKeySchema.extend({
      key: z.string().describe('Send as `Authorization: ApiKey <key>`; it cannot be shown again'),
    }),
    ...problemResponses(400, 401, 403, 413, 415),
  },
}

export const listApiKeysSchema = {
  tags: ['api-keys'],
  summary: 'My API keys (SELLER), never with their secret',
  response: { 200: z.object({ items: z.array(apiKeySchema) }), ...problemResponses(401, 403) },
}

export const deleteApiKeySchema = {
  tags: ['api-keys'],
  summary: 'Revoke one of my API keys (SELLER)',
  params: z.object({ id: z.uuid() }),
  response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) },
}

export const introspectSchema = {
  tags: ['internal'],
  summary: 'Gateway only: is this API key valid, and for whom',
  body: z.strictObject({ key: z.string().max(256) }),
  response: {
    200: z.union([
      z.object({
        active: z.literal(true),
        apiKeyId: z.uuid(),
        sellerId: z.uuid(),
        userId: z.uuid(),
        scopes: z.array(z.string()),
        rateLimitPerMinute: z.number().int(),
      }),
      z.object({ active: z.literal(false) }),
    ]),
    ...problemResponses(400, 401, 413, 415),
  },
}
