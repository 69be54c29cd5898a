import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { messagingPrismaModels, missingMessagingModels } from '../src/index.ts'

const fixtureSchema = readFileSync(new URL('./prisma-fixture/prisma/schema.prisma', import.meta.url), 'utf8')

test('the test fixture schema carries the canonical outbox and inbox models unchanged', () => {
  assert.deepEqual(missingMessagingModels(fixtureSchema), [])
})

test('a schema whose copy of the outbox model drifted is reported', () => {
  const drifted = fixtureSchema.replace(
    'attempts    Int       @default(0)',
    'attempts    BigInt    @default(0)',
  )
  assert.notEqual(drifted, fixtureSchema)
  assert.deepEqual(missingMessagingModels(drifted), ['OutboxMessage'])
  assert.deepEqual(missingMessagingModels('model Other {\n  id Int @id\n}\n'), [
    'OutboxMessage',
    'InboxMessage',
  ])
  assert.match(messagingPrismaModels(), /@@map\("outbox_messages"\)/)
})
