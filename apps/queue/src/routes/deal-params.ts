// The path parameter every waiting room route has.
import { z } from 'zod'

export const dealParams = z.strictObject({ dealId: z.uuid() })
