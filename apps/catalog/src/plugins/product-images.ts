// Product images: the use cases on `app.productImages`, their Prometheus counters, and the
// nightly `images.cleanup` job that removes versions no longer current after a grace period.
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import type { CatalogConfig } from '../config.ts'
import { ProductImages } from '../domain/images/product-images.ts'
import { cleanUpImageVersions } from '../domain/images/image-cleanup.ts'
import type { ImageMetrics } from '../domain/images/image-metrics.ts'

export const IMAGE_CLEANUP_JOB = 'images.cleanup'

declare module 'fastify' {
  interface FastifyInstance {
    productImages: ProductImages
    /** Runs the clean-up now, as the nightly job does. */
    cleanUpProductImages: () => ReturnType<typeof cleanUpImageVersions>
  }
}

export const productImagesPlugin = fp<{ config: CatalogConfig }>(
  async (app, { config }) => {
    const { catalogDb: db, catalogObjectStore: store } = app
    const uploads = new Counter({
      name: 'catalog_image_uploads_total',
      help: 'Product image versions stored, by whether they opened a new image slot',
      labelNames: ['kind'] as const,
      registers: [app.metrics],
    })
    const cleaned = new Counter({
      name: 'catalog_image_versions_cleaned_total',
      help: 'Image versions no longer current removed by the clean-up, bytes and row',
      registers: [app.metrics],
    })
    const metrics: ImageMetrics = {
      uploaded: (kind) => uploads.inc({ kind }),
      cleaned: (count) => cleaned.inc(count),
    }
    const log = app.log.child({ component: 'product-images' })

    app.decorate(
      'productImages',
      new ProductImages(db, store, {
        publicBaseUrl: config.IMAGE_PUBLIC_BASE_URL,
        metrics,
        onOrphanedBlob: (storageKey, err) =>
          log.error({ err, storageKey }, 'could not remove the bytes of a failed image upload'),
      }),
    )

    const cleanUp = () =>
      cleanUpImageVersions(db, store, {
        graceSeconds: config.IMAGE_CLEANUP_GRACE_SECONDS,
        metrics,
        onFailure: (storageKey, err) =>
          log.warn({ err, storageKey }, 'could not remove an old image version'),
      })
    app.decorate('cleanUpProductImages', cleanUp)

    app.jobs.define(IMAGE_CLEANUP_JOB, async () => {
      const result = await cleanUp()
      log.info(result, 'image clean-up finished')
      // Thrown so pg-boss retries with backoff; the versions already removed stay removed.
      if (result.failures > 0) throw new Error(`${result.failures} image versions could not be removed`)
    })
    // pg-boss keeps cron schedules in its tables, so they can only be written once it has started.
    app.addHook('onReady', async () => {
      await app.jobs.every(IMAGE_CLEANUP_JOB, config.IMAGE_CLEANUP_CRON, {})
    })
  },
  {
    name: 'catalog-product-images',
    fastify: '5.x',
    dependencies: ['catalog-database', 'catalog-object-store', 'jobs', 'metrics'],
  },
)
