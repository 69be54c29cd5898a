// Storefront fixtures for route tests: products listed through the API, events read from the outbox.
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { client, sql, type TestCatalogApp } from './test-catalog-app.ts'

export interface ProductBody {
  name?: string
  description?: string
  price?: number
  storeId?: string
  categoryId?: string | null
}

/** Lists a product as `seller` through POST /products and returns the created product. */
export async function listProduct(t: TestCatalogApp, seller: Identity, body: ProductBody = {}) {
  const res = await client(t)('POST', '/products', {
    as: seller,
    body: { name: '테스트 상품', price: 10_000, ...body },
  })
  assert.equal(res.statusCode, 201, res.body)
  return res.json() as { id: string; storeId: string; name: string; price: number; likeCount: number }
}

/** Events of `name` in the outbox whose payload has `field` equal to `value`, oldest first. */
export async function outboxEvents(t: TestCatalogApp, name: string, field: string, value: string) {
  return sql<{ payload: Record<string, string> }>(
    t,
    `SELECT payload FROM outbox_messages WHERE event_name = $1 AND payload->>$2 = $3 ORDER BY created_at`,
    [name, field, value],
  )
}
