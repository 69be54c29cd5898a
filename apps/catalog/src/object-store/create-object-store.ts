// Picks the object store the configuration names; an S3 store without its settings refuses to
// start, naming what is missing.
import type { CatalogConfig } from '../config.ts'
import { LocalObjectStore } from './local-object-store.ts'
import type { ObjectStore } from './object-store.ts'
import { S3ObjectStore } from './s3-object-store.ts'

type ObjectStoreConfig = Pick<
  CatalogConfig,
  | 'OBJECT_STORE'
  | 'OBJECT_STORE_DIR'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_BUCKET'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>

export class ObjectStoreConfigError extends Error {
  override name = 'ObjectStoreConfigError'
}

export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  if (config.OBJECT_STORE === 'local') return new LocalObjectStore(config.OBJECT_STORE_DIR)
  const required = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const
  const missing = required.filter((name) => !config[name])
  if (missing.length > 0)
    throw new ObjectStoreConfigError(
      `invalid configuration: ${missing.join(', ')} must be set when OBJECT_STORE=s3`,
    )
  return new S3ObjectStore({
    bucket: config.S3_BUCKET!,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID!,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
  })
}
