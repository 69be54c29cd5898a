// Per user and kind, which channels a notification goes out on. Without a saved choice a kind's
// defaults apply: in-app for every kind; e-mail only for order status changes (a buyer expects
// mail about money and deliveries, not about every liked deal or chat message).
import type { NotificationKind } from '../../generated/prisma/client.ts'
import type { NotificationDb, NotificationTx } from '../database.ts'

export const NOTIFICATION_KINDS = [
  'DEAL_REMINDER',
  'KEYWORD_ALERT',
  'STORE_DEAL',
  'PARTY',
  'CHAT',
  'ORDER_STATUS',
] as const satisfies readonly NotificationKind[]

export interface Channels {
  inApp: boolean
  email: boolean
}

export const DEFAULT_CHANNELS: Record<NotificationKind, Channels> = {
  DEAL_REMINDER: { inApp: true, email: false },
  KEYWORD_ALERT: { inApp: true, email: false },
  STORE_DEAL: { inApp: true, email: false },
  PARTY: { inApp: true, email: false },
  CHAT: { inApp: true, email: false },
  ORDER_STATUS: { inApp: true, email: true },
}

export interface PreferenceView extends Channels {
  kind: NotificationKind
  /** False while the kind's defaults apply. */
  customized: boolean
}

export class Preferences {
  constructor(private readonly db: NotificationDb) {}

  /** Every kind with the channels that apply to the user. */
  async list(userId: string): Promise<PreferenceView[]> {
    const saved = new Map(
      (await this.db.notificationPreference.findMany({ where: { userId } })).map((p) => [p.kind, p]),
    )
    return NOTIFICATION_KINDS.map((kind) => {
      const own = saved.get(kind)
      const channels = own ? { inApp: own.inApp, email: own.email } : DEFAULT_CHANNELS[kind]
      return { kind, ...channels, customized: Boolean(own) }
    })
  }

  async set(userId: string, kind: NotificationKind, channels: Channels): Promise<PreferenceView> {
    await this.db.notificationPreference.upsert({
      where: { userId_kind: { userId, kind } },
      create: { userId, kind, ...channels },
      update: channels,
    })
    return { kind, ...channels, customized: true }
  }
}

/** The channels of `kind` for each of `userIds`, read in the caller's transaction. */
export async function channelsFor(
  tx: NotificationTx,
  userIds: readonly string[],
  kind: NotificationKind,
): Promise<Map<string, Channels>> {
  const saved = await tx.notificationPreference.findMany({
    where: { kind, userId: { in: [...new Set(userIds)] } },
  })
  const own = new Map(saved.map((p) => [p.userId, { inApp: p.inApp, email: p.email }]))
  return new Map(userIds.map((id) => [id, own.get(id) ?? DEFAULT_CHANNELS[kind]]))
}
