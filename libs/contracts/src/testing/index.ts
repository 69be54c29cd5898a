// Fixtures for tests that need a valid identity.
import { randomUUID } from 'node:crypto'
import type { ApiKeyScope, Identity } from '../identity.ts'

export function buyerIdentity(overrides: Partial<Identity> = {}): Identity {
  return { userId: randomUUID(), roles: ['BUYER'], ...overrides }
}

/** An approved seller signed in with a user token. */
export function sellerIdentity(overrides: Partial<Identity> = {}): Identity {
  return { userId: randomUUID(), roles: ['BUYER', 'SELLER'], sellerId: randomUUID(), ...overrides }
}

export function adminIdentity(overrides: Partial<Identity> = {}): Identity {
  return { userId: randomUUID(), roles: ['BUYER', 'ADMIN'], ...overrides }
}

/** A seller's partner system calling the seller API with an API key of these scopes. */
export function apiKeyIdentity(seller: Identity, scopes: ApiKeyScope[]): Identity {
  return {
    userId: seller.userId,
    roles: ['SELLER'],
    sellerId: seller.sellerId!,
    apiKeyId: randomUUID(),
    scopes,
  }
}
