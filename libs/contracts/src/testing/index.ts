// Fixtures for tests that need a valid identity.
import { randomUUID } from 'node:crypto'
import type { Identity } from '../identity.ts'

export function buyerIdentity(overrides: Partial<Identity> = {}): Identity {
  return { userId: randomUUID(), roles: ['BUYER'], ...overrides }
}
