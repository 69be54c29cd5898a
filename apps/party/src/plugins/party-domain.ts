// Builds the party use cases and puts them on the instance; defines the expiry job (before the
// scheduler starts) and tells the chat when members leave, so their connections end.
import fp from 'fastify-plugin'
import type { PartyConfig } from '../config.ts'
import { NearbyParties } from '../domain/parties/nearby-parties.ts'
import { PartyBook } from '../domain/parties/party-book.ts'
import { PartyExpiry } from '../domain/parties/party-expiry.ts'
import { PenaltyBook } from '../domain/penalties/penalty-book.ts'
import { PenaltyCounts } from '../domain/penalties/penalty-counts.ts'

export interface PartyDomain {
  parties: PartyBook
  nearby: NearbyParties
  expiry: PartyExpiry
  penalties: PenaltyBook
  penaltyCounts: PenaltyCounts
}

declare module 'fastify' {
  interface FastifyInstance {
    partyDomain: PartyDomain
  }
}

export const partyDomainPlugin = fp<{ config: PartyConfig }>(
  async (app, { config }) => {
    const db = app.partyDb
    const log = app.log.child({ component: 'parties' })
    const expiry = new PartyExpiry(db, app.jobs)
    expiry.define()
    const penaltyCounts = new PenaltyCounts(db, app.redis, config.PENALTY_CACHE_TTL_SECONDS)
    const parties = new PartyBook(db, expiry, {
      penaltyCount: (userId) => penaltyCounts.count(userId),
      maxPenalties: config.MAX_PENALTIES,
      membersLeft: (partyId, userIds) =>
        void app.partyChat.hub
          .removeMembers(partyId, userIds)
          .catch((err: Error) => log.warn({ err: err.message, partyId }, 'could not end chats of a leaver')),
    })
    app.decorate('partyDomain', {
      parties,
      nearby: new NearbyParties(db),
      expiry,
      penalties: new PenaltyBook(db, penaltyCounts),
      penaltyCounts,
    })
  },
  { name: 'party-domain', fastify: '5.x', dependencies: ['party-database', 'redis', 'jobs', 'party-chat'] },
)
