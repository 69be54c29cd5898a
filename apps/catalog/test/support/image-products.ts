// Products to hang images on, written straight to the database so the image tests do not
// depend on the product routes; plus a look at the image folder and rows they leave behind.
import { randomUUID } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { sql, type TestCatalogApp } from './test-catalog-app.ts'

/** A listed product of `sellerId` in a store of its own; returns the product id. */
export async function insertProduct(t: TestCatalogApp, sellerId: string): Promise<string> {
  const storeId = randomUUID()
  const productId = randomUUID()
  await sql(t, `INSERT INTO stores (id, seller_id, name, updated_at) VALUES ($1, $2, 'Image store', now())`, [
    storeId,
    sellerId,
  ])
  await sql(
    t,
    `INSERT INTO products (id, seller_id, store_id, name, price, updated_at) VALUES ($1, $2, $3, 'Pictured', 1000, now())`,
    [productId, sellerId, storeId],
  )
  return productId
}

/** Keys of the image objects in the local store's folder (its own `.tmp` and `.meta` left out). */
export async function storedKeys(t: TestCatalogApp, under = 'products'): Promise<string[]> {
  const root = join(t.imageDir, under)
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(t.imageDir, join(entry.parentPath, entry.name)))
    .sort()
}

export async function versionRows(t: TestCatalogApp, productId: string) {
  return sql<{ image_id: string; version: number; storage_key: string; current: boolean }>(
    t,
    `SELECT v.image_id, v.version, v.storage_key, i.current_version_id = v.id AS current
     FROM image_versions v JOIN product_images i ON i.id = v.image_id
     WHERE i.product_id = $1 ORDER BY v.storage_key`,
    [productId],
  )
}
