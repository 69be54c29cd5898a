// Response schemas for the error statuses a route can answer, so the OpenAPI lists them.
import { problemSchema } from '@deals/contracts'

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429

export function problemResponses<S extends Status>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema])) as Record<S, typeof problemSchema>
}

/** Every route can be refused for a bad request or a missing gateway signature. */
export const baseProblems = [400, 401] as const
