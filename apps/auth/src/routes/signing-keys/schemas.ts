// The public key set and the admin operations on signing keys.
import { z } from 'zod'
import { problemResponses } from '../problem-responses.ts'

const jwkSchema = z.looseObject({
  kid: z.string(),
  kty: z.string(),
  alg: z.string().optional(),
  use: z.string().optional(),
})

export const jwksSchema = {
  tags: ['keys'],
  summary: 'Public keys that verify access tokens (ES256)',
  description:
    'The active key plus recently retired ones, so tokens issued before a rotation stay valid. Cacheable for 60 s.',
  response: { 200: z.object({ keys: z.array(jwkSchema) }) },
}

export const rotateSchema = {
  tags: ['keys'],
  summary: 'Start signing with a new key (ADMIN); the old one stays published for one access-token lifetime',
  response: { 201: z.object({ kid: z.string() }), ...problemResponses(401, 403) },
}

export const revokeKeySchema = {
  tags: ['keys'],
  summary: 'Remove a compromised key from the JWKS at once (ADMIN)',
  params: z.object({ kid: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a key id') }),
  response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) },
}
