// The payment schema's copy of the outbox and inbox models must match @deals/messaging's, whose
// SQL depends on those tables and columns.
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { missingMessagingModels } from '@deals/messaging'

test('the payment schema carries the canonical outbox and inbox models unchanged', () => {
  const schema = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8')
  assert.deepEqual(missingMessagingModels(schema), [])
})
