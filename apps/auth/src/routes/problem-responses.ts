// Response schemas for the error statuses a route can answer, so the OpenAPI lists them.
export { problemResponses } from '@deals/service-kit'

/** Every route can be refused for a bad request or a missing gateway signature. */
export const baseProblems = [400, 401] as const
