// Where the Idempotency-Key protocol (@deals/idempotency) finds an answer that outlived Redis: the
// row the use case's own transaction wrote in idempotency_records.
import type { DurableAnswers } from '@deals/idempotency'
import type { OrderDb } from '../database.ts'

export const durableAnswers = (db: OrderDb): DurableAnswers => ({
  find: ({ userId, scope, key }) =>
    db.idempotencyRecord.findUnique({ where: { userId_scope_key: { userId, scope, key } } }),
})
