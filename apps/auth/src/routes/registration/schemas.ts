// Sign-up and e-mail verification: requests and responses.
import { z } from 'zod'
import { problemResponses } from '../problem-responses.ts'

// Surrounding spaces are forgiven (pasted addresses); the domain lowercases.
const email = z.string().trim().max(254).pipe(z.email())

export const signupSchema = {
  tags: ['account'],
  summary: 'Create a buyer account and send a verification e-mail',
  description:
    'Passwords have 10 to 128 characters and may not repeat one character (WEAK_PASSWORD). The phone, when given, is a Korean mobile number and is stored encrypted.',
  body: z.strictObject({
    email,
    password: z.string().max(1024),
    name: z.string().trim().min(1).max(100),
    phone: z.string().max(20).optional(),
  }),
  response: { 201: z.object({ userId: z.uuid() }), ...problemResponses(400, 401, 409, 413, 415) },
}

export const verifySchema = {
  tags: ['account'],
  summary: 'Confirm an e-mail address with the token from the verification link',
  querystring: z.object({ token: z.string().min(1).max(128) }),
  response: { 200: z.object({ verified: z.literal(true) }), ...problemResponses(400, 401) },
}

export const resendSchema = {
  tags: ['account'],
  summary: 'Send a new verification link (always 202, whether or not the account exists)',
  body: z.strictObject({ email }),
  response: { 202: z.object({ accepted: z.literal(true) }), ...problemResponses(400, 401, 413, 415) },
}
