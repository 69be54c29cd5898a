// Products to book deals on, straight in the database (the deal tests do not depend on the
// product routes), and small helpers to book and read deals the way a client would.
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { waitUntil } from '@deals/messaging/testing'
import { client, sql, type TestCatalogApp } from '../../support/test-catalog-app.ts'

export interface TestProduct {
  id: string
  storeId: string
  name: string
  price: number
}

export async function createProduct(
  t: TestCatalogApp,
  seller: Identity,
  fields: { name?: string; price?: number; categoryId?: string | null } = {},
): Promise<TestProduct> {
  const db = t.app.catalogDb
  const sellerId = seller.sellerId!
  const store =
    (await db.store.findFirst({ where: { sellerId } })) ??
    (await db.store.create({ data: { sellerId, name: 'Test store', isDefault: true } }))
  const product = await db.product.create({
    data: {
      sellerId,
      storeId: store.id,
      name: fields.name ?? '제주 한라봉 3kg',
      price: fields.price ?? 30_000,
      categoryId: fields.categoryId ?? null,
    },
  })
  return { id: product.id, storeId: store.id, name: product.name, price: product.price }
}

export const inSeconds = (seconds: number, from = Date.now()) => new Date(from + seconds * 1000)

export function dealBody(product: TestProduct, startsAt: Date, endsAt: Date, overrides: object = {}) {
  return {
    productId: product.id,
    dealPrice: Math.floor(product.price / 2),
    quantity: 100,
    perUserLimit: 2,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    queueRequired: false,
    ...overrides,
  }
}

/** Books a deal and returns its body; fails the test unless it is created. */
export async function bookDeal(
  t: TestCatalogApp,
  seller: Identity,
  product: TestProduct,
  startsAt: Date,
  endsAt: Date,
  overrides: object = {},
) {
  const response = await client(t)('POST', '/deals', {
    as: seller,
    body: dealBody(product, startsAt, endsAt, overrides),
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json() as { id: string; status: string; version: number; startsAt: string; endsAt: string }
}

export async function dealStatus(t: TestCatalogApp, dealId: string): Promise<string> {
  const rows = await sql<{ status: string }>(t, 'SELECT status::text FROM deals WHERE id = $1', [dealId])
  return rows[0]!.status
}

export const waitForStatus = (t: TestCatalogApp, dealId: string, status: string, timeoutMs = 10_000) =>
  waitUntil(async () => (await dealStatus(t, dealId)) === status, {
    timeoutMs,
    intervalMs: 50,
    message: `deal ${dealId} to become ${status}`,
  })

export const sleepUntil = (at: Date) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at.getTime() - Date.now())))

/** The deal's events in the outbox, oldest first. */
export async function outboxEvents(t: TestCatalogApp, dealId: string) {
  return sql<{ event_name: string; payload: Record<string, unknown>; created_at: Date }>(
    t,
    `SELECT event_name, payload, created_at FROM outbox_messages
     WHERE payload->>'dealId' = $1 ORDER BY created_at, (payload->>'version')::int`,
    [dealId],
  )
}
