// A drift check drops the shadow databases it leaves behind (a schema engine that died mid-request
// does not drop its own), and only those: one that was there before the check is not its to drop.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { withoutLeftOverShadows } from '../src/drift.ts'
import { dropDatabases, query, serverUrl } from './postgres.ts'

const shadowName = () => `prisma_migrate_shadow_db_${randomUUID()}`
const exists = async (name: string) =>
  (await query(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1
const created: string[] = []
const create = async (name: string) => {
  created.push(name)
  await query(serverUrl, `CREATE DATABASE "${name}"`)
}
after(() => dropDatabases(created))

test('the shadow databases a check leaves are dropped; one that was there before stays', async () => {
  const earlier = shadowName()
  await create(earlier)
  const leftByTheCheck = shadowName()
  const answer = await withoutLeftOverShadows(serverUrl, async () => {
    await create(leftByTheCheck)
    return 'compared'
  })
  assert.equal(answer, 'compared')
  assert.equal(await exists(leftByTheCheck), false)
  assert.equal(await exists(earlier), true)
})
