// Operator tools: the purchase sagas, to find the ones stuck waiting on the payment service.
import { z } from 'zod'
import { refundReasonSchema } from '@deals/contracts'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { SAGA_STATES } from '../../domain/saga/purchase-saga.ts'

export const sagaSchema = z.object({
  orderId: z.uuid(),
  state: z.enum(SAGA_STATES),
  step: z.number().int(),
  deadline: z.iso.datetime().nullable(),
  commandSentAt: z.iso.datetime().nullable(),
  refundReason: refundReasonSchema.nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  stuck: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

export const listSagasSchema = {
  tags: ['admin'],
  summary: 'Purchase sagas, newest first (ADMIN); `stuck=true` for those waiting past their deadline',
  description:
    'A saga is stuck when it still waits on the payment service (PAYMENT_REQUESTED or ' +
    'COMPENSATING) more than SAGA_STUCK_AFTER_MS past its deadline. The saga sweep sends its ' +
    'pending command again meanwhile (`attempts`, `lastError`).',
  querystring: z.strictObject({
    ...pageQueryShape,
    state: z.enum(SAGA_STATES).optional(),
    stuck: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  }),
  response: { 200: pageOf(sagaSchema), ...problemResponses(400, 401, 403) },
}
