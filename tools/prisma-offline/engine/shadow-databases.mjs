// Throwaway shadow databases (`migrate dev`, `migrate diff --from-migrations`): each one is
// remembered until dropped, so none outlives the request that needed it, even when the engine
// forgets to dispose its connection.
import { randomUUID } from 'node:crypto'
import { createDatabase, dropDatabase } from './postgres-target.mjs'

export class ShadowDatabases {
  #live = new Map()

  /** Creates a new empty database next to `connectionString`'s and returns its name. */
  async create(connectionString) {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`
    await createDatabase(connectionString, name)
    this.#live.set(name, connectionString)
    return name
  }

  async drop(name) {
    const connectionString = this.#live.get(name)
    if (!connectionString) return
    this.#live.delete(name)
    await dropDatabase(connectionString, name)
  }

  async dropAll() {
    await Promise.allSettled([...this.#live.keys()].map((name) => this.drop(name)))
  }
}
