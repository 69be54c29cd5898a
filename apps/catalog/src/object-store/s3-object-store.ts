// Objects in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2) through the AWS SDK.
import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { assertSafeObjectKey, type ObjectStore, type StoredObject } from './object-store.ts'

export interface S3ObjectStoreOptions {
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** Unset for AWS itself; the server's URL for MinIO, R2 and the like. */
  endpoint?: string
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>`. */
  forcePathStyle?: boolean
}

const isNotFound = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404

export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client
  readonly #bucket: string

  constructor(options: S3ObjectStoreOptions) {
    this.#bucket = options.bucket
    this.#client = new S3Client({
      region: options.region,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // Checksums only where S3 demands them: several S3 look-alikes refuse the SDK's default
      // trailing CRC headers, and the catalog keeps its own SHA-256 of every image.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    assertSafeObjectKey(key)
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.length,
      }),
    )
  }

  async get(key: string): Promise<StoredObject | null> {
    assertSafeObjectKey(key)
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }))
      return {
        body: object.Body as Readable,
        contentType: object.ContentType ?? 'application/octet-stream',
        byteSize: object.ContentLength ?? 0,
      }
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key)
    // S3 answers 204 for a key that is not there, so a repeated delete is harmless.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }))
  }

  async exists(key: string): Promise<boolean> {
    assertSafeObjectKey(key)
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }))
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  async close(): Promise<void> {
    this.#client.destroy()
  }
}
