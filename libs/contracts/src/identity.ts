// Identity the gateway asserts to the services after verifying a JWT or an API key.
import { z } from 'zod'

export const ROLES = ['BUYER', 'SELLER', 'ADMIN'] as const
export const roleSchema = z.enum(ROLES)
export type Role = z.infer<typeof roleSchema>

/** Header names are lowercase, as Node presents them. */
export const IDENTITY_HEADERS = {
  userId: 'x-user-id',
  roles: 'x-user-roles',
  sellerId: 'x-seller-id',
  apiKeyId: 'x-api-key-id',
  scopes: 'x-api-scopes',
  /** Proves the request came through the gateway: an HMAC over the identity, with a timestamp. */
  signature: 'x-gateway-signature',
} as const

export const identitySchema = z.object({
  userId: z.uuid(),
  roles: z.array(roleSchema).min(1),
  sellerId: z.uuid().optional(),
  /** Set when the caller authenticated with a seller API key instead of a user token. */
  apiKeyId: z.uuid().optional(),
  scopes: z.array(z.string().min(1)).optional(),
})
export type Identity = z.infer<typeof identitySchema>

/** Scopes a seller can grant an API key; the seller API checks them per route. */
export const API_KEY_SCOPES = [
  'products:read',
  'products:write',
  'deals:read',
  'deals:write',
  'sales:read',
  'returns:write',
  'settlements:read',
  'webhooks:manage',
] as const
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES)
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>
