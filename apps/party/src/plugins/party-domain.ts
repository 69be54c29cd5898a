// Builds the party use cases and puts them on the instance; defines the expiry job (before the
// scheduler starts) and the sweep of unanswered share payment commands, and tells the chat when
// members leave or are removed, so their connections end.
import fp from 'fastify-plugin'
import type { PartyConfig } from '../config.ts'
import { NearbyParties } from '../domain/parties/nearby-parties.ts'
import { PartyBook } from '../domain/parties/party-book.ts'
import { PartyExpiry } from '../domain/parties/party-expiry.ts'
import { PartyPayments } from '../domain/payments/party-payments.ts'
import { PenaltyBook } from '../domain/penalties/penalty-book.ts'
import { PenaltyCounts } from '../domain/penalties/penalty-counts.ts'

export const SHARE_SWEEP_JOB = 'party.share-payment-sweep'

export interface PartyDomain {
  parties: PartyBook
  nearby: NearbyParties
  expiry: PartyExpiry
  payments: PartyPayments
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
    const membersLeft = (partyId: string, userIds: string[]) =>
      void app.partyChat.hub
        .removeMembers(partyId, userIds)
        .catch((err: Error) => log.warn({ err: err.message, partyId }, 'could not end chats of a leaver'))
    const parties = new PartyBook(db, expiry, {
      penaltyCount: (userId) => penaltyCounts.count(userId),
      maxPenalties: config.MAX_PENALTIES,
      membersLeft,
    })
    const payments = new PartyPayments(db, (partyId, userId) => membersLeft(partyId, [userId]))
    app.jobs.define(SHARE_SWEEP_JOB, async () => {
      const resent = await payments.resendUnanswered(config.SHARE_RESEND_AFTER_SECONDS * 1000)
      if (resent > 0) log.warn({ resent }, 'share payment commands sent again')
    })
    app.addHook('onReady', async () => {
      await app.jobs.every(SHARE_SWEEP_JOB, config.SHARE_SWEEP_CRON, {})
    })
    app.decorate('partyDomain', {
      parties,
      nearby: new NearbyParties(db),
      expiry,
      payments,
      penalties: new PenaltyBook(db, penaltyCounts),
      penaltyCounts,
    })
  },
  { name: 'party-domain', fastify: '5.x', dependencies: ['party-database', 'redis', 'jobs', 'party-chat'] },
)
