// The item master and its imports on the instance (`catalogItems`), and the durable job that
// runs an import: retried after a crash or a shutdown, it resumes from the pages already done.
import fp from 'fastify-plugin'
import { ItemMaster } from '../domain/items/item-master.ts'
import { ItemImports, type ItemImportRequest } from '../domain/items/item-imports.ts'
import { failItemImport, runItemImport } from '../domain/items/item-import-run.ts'
import type { ItemImportView } from '../domain/items/item-import-view.ts'
import type { FetchPolicy } from '../domain/items/page-fetcher.ts'

export const ITEM_IMPORT_JOB = 'items.import'

/** Runs of one import (the first and its retries) before it is marked FAILED. */
const IMPORT_RUNS = 6

export interface CatalogItems {
  master: ItemMaster
  imports: ItemImports
  /** Records an import and schedules its job in the same transaction. */
  requestImport(input: ItemImportRequest): Promise<ItemImportView>
}

declare module 'fastify' {
  interface FastifyInstance {
    catalogItems: CatalogItems
  }
}

export interface ItemMasterPluginOptions {
  /** Pages of one import fetched at the same time. */
  concurrency: number
  fetchPolicy?: FetchPolicy
}

class ServiceStopping extends Error {
  override name = 'ServiceStopping'
}

export const itemMasterPlugin = fp<ItemMasterPluginOptions>(
  async (app, { concurrency, fetchPolicy }) => {
    const db = app.catalogDb
    const imports = new ItemImports(db)
    const stopping = new AbortController()

    app.jobs.define<{ importId: string }>(
      ITEM_IMPORT_JOB,
      async ({ importId }, { retryCount }) => {
        try {
          await runItemImport(db, importId, {
            concurrency,
            signal: stopping.signal,
            ...(fetchPolicy ? { fetchPolicy } : {}),
          })
        } catch (error) {
          const lastRun = retryCount + 1 >= IMPORT_RUNS
          if (lastRun && !stopping.signal.aborted)
            await failItemImport(
              db,
              importId,
              `gave up after ${IMPORT_RUNS} runs: ${(error as Error).message}`,
            )
          throw error
        }
      },
      // A long import outlives pg-boss's default 60 s expiry; a second run started meanwhile is
      // harmless (pages commit in order, the run that falls behind stops), so expiry only sets
      // how soon an import whose process died is resumed.
      { retryLimit: IMPORT_RUNS - 1, retryDelaySeconds: 2, expireInSeconds: 15 * 60, concurrency: 1 },
    )

    app.decorate('catalogItems', {
      master: new ItemMaster(db),
      imports,
      requestImport: (input) =>
        imports.request(input, async (tx, importId) => {
          await app.jobs.runSoon(ITEM_IMPORT_JOB, { importId }, { tx, key: importId })
        }),
    })
    // A run stops between pages and hands its job back, to be resumed by the next process.
    app.addHook('preClose', async () =>
      stopping.abort(new ServiceStopping('the catalog service is stopping')),
    )
  },
  { name: 'catalog-item-master', fastify: '5.x', dependencies: ['catalog-database', 'jobs'] },
)
