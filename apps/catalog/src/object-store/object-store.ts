// Where image bytes live: a small key/value interface over local disk or an S3-compatible
// bucket, so the domain never knows which. Keys are checked here, the same way for every store.
import type { Readable } from 'node:stream'

export interface StoredObject {
  body: Readable
  contentType: string
  byteSize: number
}

export interface ObjectStore {
  /** Stores `bytes` under `key`, replacing what was there; readers see all of it or nothing. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>
  /** The object under `key`, or null when there is none. */
  get(key: string): Promise<StoredObject | null>
  /** Removes `key`; a key that is already gone is not an error. */
  delete(key: string): Promise<void>
  exists(key: string): Promise<boolean>
  close(): Promise<void>
}

export class InvalidObjectKeyError extends Error {
  override name = 'InvalidObjectKeyError'
  constructor(key: string) {
    super(`invalid object key ${JSON.stringify(key.slice(0, 200))}`)
  }
}

// Segments may not start with a dot, which rules out `.` and `..` and keeps the local store's own
// `.tmp` and `.meta` folders out of reach.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/
const MAX_KEY_LENGTH = 512
const MAX_SEGMENTS = 16

export function isSafeObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return false
  const segments = key.split('/')
  return segments.length <= MAX_SEGMENTS && segments.every((segment) => SEGMENT.test(segment))
}

export function assertSafeObjectKey(key: string): void {
  if (!isSafeObjectKey(key)) throw new InvalidObjectKeyError(key)
}
