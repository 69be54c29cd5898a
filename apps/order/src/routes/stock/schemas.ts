// A deal's stock as the order service counts it.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'

export const dealStockSchema = {
  tags: ['stock'],
  summary: 'A deal’s stock: quantity = remaining + reserved (awaiting payment) + sold',
  params: z.object({ dealId: z.uuid() }),
  response: {
    200: z.object({
      quantity: z.number().int(),
      remaining: z.number().int(),
      reserved: z.number().int(),
      sold: z.number().int(),
    }),
    ...problemResponses(400, 401, 404, 503),
  },
}
