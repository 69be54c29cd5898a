// The image object store as a named connection, chosen by OBJECT_STORE: `app.catalogObjectStore`.
import fp from 'fastify-plugin'
import type { CatalogConfig } from '../config.ts'
import { createObjectStore } from '../object-store/create-object-store.ts'
import type { ObjectStore } from '../object-store/object-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    catalogObjectStore: ObjectStore
  }
}

export const objectStorePlugin = fp<{ config: CatalogConfig }>(
  async (app, { config }) => {
    const store = createObjectStore(config)
    app.decorate('catalogObjectStore', store)
    app.log.info({ objectStore: config.OBJECT_STORE }, 'image object store ready')
    app.addHook('onClose', async () => {
      await store.close()
    })
  },
  { name: 'catalog-object-store', fastify: '5.x' },
)
