// Sign-in, token refresh and sign-out: requests and responses.
import { z } from 'zod'
import { problemResponses } from '../problem-responses.ts'

const refreshToken = z.string().min(1).max(256)

export const tokenPairSchema = z.object({
  accessToken: z.string().describe('ES256 JWT; roles and sellerId reflect the account when it was issued'),
  refreshToken: z.string().describe('Opaque, single use: each refresh returns a new one'),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
  tokenType: z.literal('Bearer'),
})

export const loginSchema = {
  tags: ['session'],
  summary: 'Sign in with e-mail and password',
  description:
    'Limited per account (TOO_MANY_ATTEMPTS after repeated failures, with Retry-After) and per client IP (TOO_MANY_REQUESTS). ' +
    'One session per deviceId: signing in again on the same device ends its earlier session.',
  body: z.strictObject({
    email: z.string().max(254),
    password: z.string().max(1024),
    deviceId: z.string().min(1).max(128).optional(),
  }),
  response: { 200: tokenPairSchema, ...problemResponses(400, 401, 403, 413, 415, 429) },
}

export const refreshSchema = {
  tags: ['session'],
  summary: 'Exchange a refresh token for a new token pair',
  description:
    'New roles (e.g. SELLER after approval) appear in the next access token. Presenting an already used refresh token ends that device session (REFRESH_TOKEN_REUSED).',
  body: z.strictObject({ refreshToken }),
  response: { 200: tokenPairSchema, ...problemResponses(400, 401, 413, 415) },
}

export const logoutSchema = {
  tags: ['session'],
  summary: 'End this device session, or every session of the signed-in user',
  body: z.union([z.strictObject({ refreshToken }), z.strictObject({ allDevices: z.literal(true) })]),
  response: { 204: z.null().describe('Signed out'), ...problemResponses(400, 401, 413, 415) },
}
