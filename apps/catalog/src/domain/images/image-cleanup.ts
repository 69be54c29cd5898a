// The nightly clean-up: removes image versions that stopped being current (replaced by a newer
// version, or their slot deleted) more than a grace period ago, so caches and clients holding
// their URL had time to move on. Bytes go first, then the row: a crash in between leaves a row
// whose bytes are gone, which the next run deletes without complaint.
import type { ObjectStore } from '../../object-store/object-store.ts'
import type { CatalogDb } from '../database.ts'
import { uncountedImageMetrics, type ImageMetrics } from './image-metrics.ts'

export interface ImageCleanupOptions {
  /** How long after it stopped being current a version is kept. */
  graceSeconds: number
  batchSize?: number
  metrics?: ImageMetrics
  /** Told of each version whose bytes could not be removed; it is retried on the next run. */
  onFailure?: (storageKey: string, error: unknown) => void
}

export interface ImageCleanupResult {
  versionsDeleted: number
  slotsDeleted: number
  /** Versions kept because removing their bytes failed. */
  failures: number
}

interface RetiredVersion {
  id: string
  storageKey: string
}

export async function cleanUpImageVersions(
  db: CatalogDb,
  store: ObjectStore,
  { graceSeconds, batchSize = 100, metrics = uncountedImageMetrics, onFailure }: ImageCleanupOptions,
): Promise<ImageCleanupResult> {
  let versionsDeleted = 0
  const failed: string[] = []
  for (;;) {
    // A version retired when the next one was created, or when its slot was deleted.
    const batch = await db.$queryRaw<RetiredVersion[]>`
      SELECT v.id, v.storage_key AS "storageKey"
      FROM image_versions v JOIN product_images i ON i.id = v.image_id
      WHERE i.current_version_id IS DISTINCT FROM v.id
        AND COALESCE(
              (SELECT min(n.created_at) FROM image_versions n WHERE n.image_id = v.image_id AND n.version > v.version),
              i.deleted_at
            ) < now() - ${graceSeconds}::int * interval '1 second'
        AND NOT (v.id = ANY(${failed}::uuid[]))
      ORDER BY v.id
      LIMIT ${batchSize}`
    const removed: string[] = []
    for (const version of batch) {
      try {
        await store.delete(version.storageKey)
        removed.push(version.id)
      } catch (error) {
        failed.push(version.id)
        onFailure?.(version.storageKey, error)
      }
    }
    if (removed.length > 0) {
      const { count } = await db.imageVersion.deleteMany({
        where: { id: { in: removed }, currentOf: { is: null } },
      })
      versionsDeleted += count
      metrics.cleaned(count)
    }
    if (batch.length < batchSize) break
  }
  // A deleted slot with no version left has nothing more to say.
  const slotsDeleted = await db.$executeRaw`
    DELETE FROM product_images i
    WHERE i.deleted_at < now() - ${graceSeconds}::int * interval '1 second'
      AND NOT EXISTS (SELECT 1 FROM image_versions v WHERE v.image_id = i.id)`
  return { versionsDeleted, slotsDeleted, failures: failed.length }
}
