// RFC 9457 problem details, the one error body every service and the gateway answer with.
import { z } from 'zod'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

// Loose: RFC 9457 allows extension members (a domain error's `extra`, e.g. `entryOpensAt`), and a
// response schema must not strip them.
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable machine-readable error code, e.g. SOLD_OUT'),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type Problem = z.infer<typeof problemSchema>
