// Events published by the auth service.
import { z } from 'zod'
import { roleSchema } from '../identity.ts'
import { defineEvent } from './envelope.ts'

export const userRegisteredV1 = defineEvent(
  'user.registered.v1',
  z.object({ userId: z.uuid(), email: z.email(), name: z.string() }),
)

export const userVerifiedV1 = defineEvent('user.verified.v1', z.object({ userId: z.uuid() }))

export const userRolesChangedV1 = defineEvent(
  'user.roles-changed.v1',
  z.object({ userId: z.uuid(), roles: z.array(roleSchema), sellerId: z.uuid().optional() }),
)

export const sellerApprovedV1 = defineEvent(
  'seller.approved.v1',
  z.object({ sellerId: z.uuid(), userId: z.uuid(), companyName: z.string() }),
)

export const apiKeyRevokedV1 = defineEvent(
  'api-key.revoked.v1',
  z.object({ apiKeyId: z.uuid(), sellerId: z.uuid() }),
)
