// Builds the time-deal use cases and puts them on the instance for the routes and the seller API,
// and defines the jobs that open and close deals on their second (`@deals/jobs`, before ready).
import fp from 'fastify-plugin'
import { DealBook } from '../domain/deals/deal-book.ts'
import { DealListings } from '../domain/deals/deal-listings.ts'
import { DealSchedule } from '../domain/deals/deal-schedule.ts'
import type { CatalogConfig } from '../config.ts'

export interface CatalogDeals {
  /** Seller-scoped (and admin) use cases: book, update, suspend, resume, get, listOwn. */
  book: DealBook
  /** What buyers see. */
  listings: DealListings
  schedule: DealSchedule
}

declare module 'fastify' {
  interface FastifyInstance {
    catalogDeals: CatalogDeals
  }
}

export const dealsPlugin = fp<{ config: CatalogConfig }>(
  async (app, { config }) => {
    const db = app.catalogDb
    const timing = {
      minLeadSeconds: config.DEAL_MIN_LEAD_SECONDS,
      announceLeadSeconds: config.DEAL_ANNOUNCE_LEAD_SECONDS,
    }
    const schedule = new DealSchedule(db, app.jobs)
    schedule.define()
    app.decorate('catalogDeals', {
      book: new DealBook(db, app.jobs, timing),
      listings: new DealListings(db),
      schedule,
    })
  },
  { name: 'catalog-deals', fastify: '5.x', dependencies: ['catalog-database', 'jobs'] },
)
