// @deals/idempotency: the Idempotency-Key protocol of mutating routes (replay the first answer byte
// for byte, 422 for another body, 409 while the first is in flight), shared by order and payment.
export {
  IdempotencyStore,
  JSON_CONTENT_TYPE,
  requestHash,
  type DurableAnswer,
  type DurableAnswers,
  type IdempotencyClaim,
  type IdempotencyOptions,
  type IdempotencyStart,
  type StoredAnswer,
} from './idempotency-store.ts'
export { IdempotencyInProgress, IdempotencyKeyReused } from './idempotency-errors.ts'
export { idempotencyConfigShape, idempotencyRetentionRule } from './idempotency-config.ts'
