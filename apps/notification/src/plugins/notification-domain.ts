// Builds the notification use cases from the connections and puts them on the instance: the feed
// writer (with live delivery after commit and e-mail jobs), the triggers, the user's own feed,
// preferences and saved locations. Defines the reminder and e-mail jobs before the scheduler
// starts; opens live delivery when ready and ends its streams first on close.
import fp from 'fastify-plugin'
import type { NotificationConfig } from '../config.ts'
import { EmailDelivery } from '../domain/email/email-delivery.ts'
import { FeedTransactions } from '../domain/feed/feed-transactions.ts'
import { MyNotifications } from '../domain/feed/my-notifications.ts'
import { NotificationFeed } from '../domain/feed/notification-feed.ts'
import { LiveFeed } from '../domain/live/live-feed.ts'
import { Presence } from '../domain/live/presence.ts'
import { UserLocations } from '../domain/locations/user-locations.ts'
import { Preferences } from '../domain/preferences/preferences.ts'
import { DealReminders } from '../domain/triggers/deal-reminders.ts'
import { PartyNotices } from '../domain/triggers/party-notices.ts'

export interface NotificationDomain {
  feed: NotificationFeed
  /** What `consume` runs its handlers in, so notifications go live on commit. */
  transactions: FeedTransactions
  mine: MyNotifications
  preferences: Preferences
  locations: UserLocations
  live: LiveFeed
  reminders: DealReminders
  parties: PartyNotices
}

declare module 'fastify' {
  interface FastifyInstance {
    notificationDomain: NotificationDomain
  }
}

/** A presence outlives a few missed heartbeats before its user counts as offline. */
const PRESENCE_HEARTBEATS = 3

export const notificationDomainPlugin = fp<{ config: NotificationConfig }>(
  async (app, { config }) => {
    const { notificationDb: db, redis, jobs } = app
    const log = app.log.child({ component: 'live' })
    // Connected before its first SUBSCRIBE: a lazy connection would run its ready check (INFO)
    // behind queued subscriber-mode commands, which Redis refuses.
    const subscriber = redis.duplicate({ enableAutoPipelining: false })
    subscriber.on('error', (err) => log.warn({ err: err.message }, 'redis subscriber connection error'))
    await subscriber.connect()
    const mine = new MyNotifications(db)
    const presence = new Presence(redis, config.STREAM_HEARTBEAT_MS * PRESENCE_HEARTBEATS)
    const live = new LiveFeed(redis, subscriber, mine, presence, log, {
      channelPrefix: config.REDIS_KEY_PREFIX,
      heartbeatMs: config.STREAM_HEARTBEAT_MS,
    })
    const transactions = new FeedTransactions(db, (written) => {
      live.publish(written).catch((err: unknown) =>
        // Streams still get them: on their next notification (a gap) or when they resume.
        log.warn({ err }, 'live publish failed'),
      )
    })
    const email = new EmailDelivery(db, jobs, app.notificationMailer, {
      limit: config.EMAIL_RETRY_LIMIT,
      delaySeconds: config.EMAIL_RETRY_DELAY_SECONDS,
    })
    const feed = new NotificationFeed(transactions, email)
    const reminders = new DealReminders(feed, jobs, config.REMINDER_LEADS_SECONDS)
    email.define()
    reminders.define()

    app.decorate('notificationDomain', {
      feed,
      transactions,
      mine,
      preferences: new Preferences(db),
      locations: new UserLocations(db),
      live,
      reminders,
      parties: new PartyNotices(feed, presence),
    })
    app.addHook('onReady', async () => live.start())
    // Open streams would hold the server's close; end them first, clients reconnect elsewhere.
    app.addHook('preClose', async () => live.stop())
    app.addHook('onClose', async () => {
      await subscriber.quit().catch(() => subscriber.disconnect())
    })
  },
  {
    name: 'notification-domain',
    fastify: '5.x',
    dependencies: ['notification-database', 'redis', 'jobs', 'notification-mailer'],
  },
)
