// A product's image slots and their versions. An upload stores the bytes first, then records the
// version in a transaction and points the slot at it; if recording fails the bytes are removed
// again. Only the product's seller changes images; anyone may list and fetch them.
import { createHash, randomUUID } from 'node:crypto'
import type { ObjectStore, StoredObject } from '../../object-store/object-store.ts'
import type { CatalogDb, CatalogTx } from '../database.ts'
import { ProductNotFound } from '../products/product-errors.ts'
import { ImageNotFound, ImageUploadConflict, TooManyImages } from './image-errors.ts'
import { verifiedImageType, type ImageContentType } from './image-format.ts'
import { uncountedImageMetrics, type ImageMetrics } from './image-metrics.ts'
import { imagePublicUrl, imageStorageKey } from './image-storage-key.ts'

export interface ImageUpload {
  bytes: Buffer
  /** The request's Content-Type, checked against the bytes. */
  contentType: string
}

export interface ProductImageView {
  id: string
  position: number
  version: number
  url: string
  contentType: string
  byteSize: number
  sha256: string
  createdAt: string
  updatedAt: string
}

export interface StoredImageVersion {
  storageKey: string
  contentType: string
  byteSize: number
  sha256: string
}

export interface ProductImagesOptions {
  publicBaseUrl: string
  maxImagesPerProduct?: number
  /** Times a new version is retried when concurrent uploads to the same slot take its number. */
  versionAttempts?: number
  metrics?: ImageMetrics
  /** Told when removing the bytes of a failed upload fails too; the clean-up cannot see those. */
  onOrphanedBlob?: (storageKey: string, error: unknown) => void
}

interface SlotRow {
  id: string
  position: number
  createdAt: Date
  updatedAt: Date
}

interface VersionRow {
  version: number
  storageKey: string
  contentType: string
  byteSize: number
  sha256: string
}

/** Checked bytes of an upload. */
interface ImageContent {
  bytes: Buffer
  contentType: ImageContentType
  sha256: string
}

type NewVersion = ImageContent & { version: number; storageKey: string }

/** A concurrent upload took the version number this one was stored under. */
class VersionTaken extends Error {}

export class ProductImages {
  readonly #maxImages: number
  readonly #versionAttempts: number
  readonly #metrics: ImageMetrics

  constructor(
    private readonly db: CatalogDb,
    private readonly store: ObjectStore,
    private readonly options: ProductImagesOptions,
  ) {
    this.#maxImages = options.maxImagesPerProduct ?? 20
    this.#versionAttempts = options.versionAttempts ?? 3
    this.#metrics = options.metrics ?? uncountedImageMetrics
  }

  /** A new image slot at the end of the product's images, holding version 1. */
  async add(sellerId: string, productId: string, upload: ImageUpload): Promise<ProductImageView> {
    await this.#requireOwnProduct(sellerId, productId)
    const content = await this.#content(upload)
    const imageId = randomUUID()
    const storageKey = imageStorageKey({ productId, imageId, version: 1, ...content })
    const view = await this.#storeThenRecord(storageKey, content, async (tx) => {
      await lockOwnProduct(tx, sellerId, productId)
      const live = await tx.productImage.aggregate({
        where: { productId, deletedAt: null },
        _count: { _all: true },
        _max: { position: true },
      })
      if (live._count._all >= this.#maxImages)
        throw TooManyImages(`A product has at most ${this.#maxImages} images`)
      const slot = await tx.productImage.create({
        data: { id: imageId, productId, position: (live._max.position ?? 0) + 1 },
      })
      return this.#recordVersion(tx, slot, { version: 1, storageKey, ...content })
    })
    this.#metrics.uploaded('new_image')
    return view
  }

  /** A new version of an existing slot; the slot's current version moves to it. */
  async replace(
    sellerId: string,
    productId: string,
    imageId: string,
    upload: ImageUpload,
  ): Promise<ProductImageView> {
    await this.#requireOwnProduct(sellerId, productId)
    const content = await this.#content(upload)
    for (let attempt = 1; attempt <= this.#versionAttempts; attempt++) {
      const version = (await this.#latestVersion(productId, imageId)) + 1
      const storageKey = imageStorageKey({ productId, imageId, version, ...content })
      try {
        const view = await this.#storeThenRecord(storageKey, content, async (tx) => {
          const slot = await lockOwnSlot(tx, sellerId, productId, imageId)
          const latest = await tx.imageVersion.aggregate({ where: { imageId }, _max: { version: true } })
          if ((latest._max.version ?? 0) !== version - 1) throw new VersionTaken()
          return this.#recordVersion(tx, slot, { version, storageKey, ...content })
        })
        this.#metrics.uploaded('new_version')
        return view
      } catch (error) {
        if (!(error instanceof VersionTaken)) throw error
      }
    }
    throw ImageUploadConflict()
  }

  /** Soft delete: the slot leaves the list; its versions stay served until the clean-up. */
  async remove(sellerId: string, productId: string, imageId: string): Promise<void> {
    await this.#requireOwnProduct(sellerId, productId)
    const { count } = await this.db.productImage.updateMany({
      where: { id: imageId, productId, deletedAt: null },
      data: { deletedAt: new Date(), currentVersionId: null },
    })
    if (count === 0) throw ImageNotFound()
  }

  /** The current version of each live slot of a listed product, in position order. */
  async list(productId: string): Promise<ProductImageView[]> {
    const product = await this.db.product.findFirst({
      where: { id: productId, status: 'ACTIVE' },
      select: { id: true },
    })
    if (!product) throw ProductNotFound()
    const slots = await this.db.productImage.findMany({
      where: { productId, deletedAt: null, currentVersionId: { not: null } },
      orderBy: [{ position: 'asc' }, { id: 'asc' }],
      include: { currentVersion: true },
    })
    return slots.flatMap((slot) => (slot.currentVersion ? [this.#view(slot, slot.currentVersion)] : []))
  }

  /** The recorded version stored under `storageKey`, current or not, or null. */
  async findVersion(storageKey: string): Promise<StoredImageVersion | null> {
    return this.db.imageVersion.findUnique({
      where: { storageKey },
      select: { storageKey: true, contentType: true, byteSize: true, sha256: true },
    })
  }

  /** The bytes of a recorded version, or null when the clean-up removed them meanwhile. */
  async open(version: StoredImageVersion): Promise<StoredObject | null> {
    return this.store.get(version.storageKey)
  }

  async #requireOwnProduct(sellerId: string, productId: string): Promise<void> {
    const product = await this.db.product.findFirst({
      where: { id: productId, sellerId, status: 'ACTIVE' },
      select: { id: true },
    })
    if (!product) throw ProductNotFound()
  }

  async #content(upload: ImageUpload): Promise<ImageContent> {
    const contentType = await verifiedImageType(upload.bytes, upload.contentType)
    const sha256 = createHash('sha256').update(upload.bytes).digest('hex')
    return { bytes: upload.bytes, contentType, sha256 }
  }

  async #latestVersion(productId: string, imageId: string): Promise<number> {
    const slot = await this.db.productImage.findFirst({
      where: { id: imageId, productId, deletedAt: null },
      select: { versions: { select: { version: true }, orderBy: { version: 'desc' }, take: 1 } },
    })
    if (!slot) throw ImageNotFound()
    return slot.versions[0]?.version ?? 0
  }

  async #storeThenRecord(
    storageKey: string,
    content: ImageContent,
    record: (tx: CatalogTx) => Promise<ProductImageView>,
  ): Promise<ProductImageView> {
    await this.store.put(storageKey, content.bytes, content.contentType)
    try {
      return await this.db.$transaction(record)
    } catch (error) {
      await this.store.delete(storageKey).catch((deleteError: unknown) => {
        this.options.onOrphanedBlob?.(storageKey, deleteError)
      })
      throw error
    }
  }

  async #recordVersion(tx: CatalogTx, slot: { id: string }, version: NewVersion): Promise<ProductImageView> {
    const row = await tx.imageVersion.create({
      data: {
        imageId: slot.id,
        version: version.version,
        storageKey: version.storageKey,
        contentType: version.contentType,
        byteSize: version.bytes.length,
        sha256: version.sha256,
      },
    })
    const updated = await tx.productImage.update({
      where: { id: slot.id },
      data: { currentVersionId: row.id },
    })
    return this.#view(updated, row)
  }

  #view(slot: SlotRow, version: VersionRow): ProductImageView {
    return {
      id: slot.id,
      position: slot.position,
      version: version.version,
      url: imagePublicUrl(this.options.publicBaseUrl, version.storageKey),
      contentType: version.contentType,
      byteSize: version.byteSize,
      sha256: version.sha256,
      createdAt: slot.createdAt.toISOString(),
      updatedAt: slot.updatedAt.toISOString(),
    }
  }
}

/** Holds the product row for the transaction, so uploads to one product take positions in turn. */
async function lockOwnProduct(tx: CatalogTx, sellerId: string, productId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM products
    WHERE id = ${productId}::uuid AND seller_id = ${sellerId}::uuid AND status = 'ACTIVE'
    FOR NO KEY UPDATE`
  if (rows.length === 0) throw ProductNotFound()
}

/** Holds the live slot for the transaction, so versions of one slot are numbered in turn. */
async function lockOwnSlot(
  tx: CatalogTx,
  sellerId: string,
  productId: string,
  imageId: string,
): Promise<SlotRow> {
  const rows = await tx.$queryRaw<SlotRow[]>`
    SELECT i.id, i.position, i.created_at AS "createdAt", i.updated_at AS "updatedAt"
    FROM product_images i JOIN products p ON p.id = i.product_id
    WHERE i.id = ${imageId}::uuid AND i.product_id = ${productId}::uuid AND i.deleted_at IS NULL
      AND p.seller_id = ${sellerId}::uuid AND p.status = 'ACTIVE'
    FOR NO KEY UPDATE OF i`
  if (rows.length === 0) throw ImageNotFound()
  return rows[0]!
}
