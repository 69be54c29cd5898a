// Objects as files under one folder. A put writes a temporary file, flushes it and renames it
// into place, so a reader never sees half an image; the content type is kept beside it in `.meta`.
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { dirname, join, resolve, sep } from 'node:path'
import { assertSafeObjectKey, type ObjectStore, type StoredObject } from './object-store.ts'

const FALLBACK_CONTENT_TYPE = 'application/octet-stream'

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT'

export class LocalObjectStore implements ObjectStore {
  readonly #root: string
  readonly #tmp: string
  readonly #meta: string

  constructor(directory: string) {
    this.#root = resolve(directory)
    this.#tmp = join(this.#root, '.tmp')
    this.#meta = join(this.#root, '.meta')
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const path = this.#pathOf(this.#root, key)
    const metaPath = this.#pathOf(this.#meta, key)
    await Promise.all([
      mkdir(this.#tmp, { recursive: true }),
      mkdir(dirname(path), { recursive: true }),
      mkdir(dirname(metaPath), { recursive: true }),
    ])
    // The type lands first: a blob visible under its key always has its type beside it.
    await this.#writeAtomically(metaPath, Buffer.from(contentType, 'utf8'))
    await this.#writeAtomically(path, bytes)
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = this.#pathOf(this.#root, key)
    let handle
    try {
      handle = await open(path, 'r')
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
    try {
      // Reading through the open handle: a delete racing with this read cannot cut the file short.
      const { size } = await handle.stat()
      const contentType = await this.#contentTypeOf(key)
      return { body: handle.createReadStream(), contentType, byteSize: size }
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#pathOf(this.#root, key), { force: true })
    await rm(this.#pathOf(this.#meta, key), { force: true })
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#pathOf(this.#root, key))).isFile()
    } catch (error) {
      if (isMissing(error)) return false
      throw error
    }
  }

  async close(): Promise<void> {}

  async #contentTypeOf(key: string): Promise<string> {
    try {
      return (await readFile(this.#pathOf(this.#meta, key), 'utf8')) || FALLBACK_CONTENT_TYPE
    } catch (error) {
      if (isMissing(error)) return FALLBACK_CONTENT_TYPE
      throw error
    }
  }

  async #writeAtomically(path: string, bytes: Buffer): Promise<void> {
    const temporary = join(this.#tmp, randomUUID())
    const handle = await open(temporary, 'wx')
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temporary, path)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
  }

  /** The file of `key` under `base`; the key check already forbids `..`, this makes sure of it. */
  #pathOf(base: string, key: string): string {
    assertSafeObjectKey(key)
    const path = resolve(base, key)
    if (!path.startsWith(base + sep)) throw new Error(`object key escapes the store: ${key}`)
    return path
  }
}
