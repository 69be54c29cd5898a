// A notification as the API and the live stream show it.
import type { Notification, NotificationKind } from '../../generated/prisma/client.ts'

export interface NotificationView {
  id: string
  kind: NotificationKind
  /** The SSE event id it was last sent with: the user's feed sequence at its last change. */
  seq: number
  title: string
  body: string
  data: Record<string, unknown>
  /** Messages a collapsed chat notification stands for; 1 otherwise. */
  count: number
  read: boolean
  readAt: string | null
  createdAt: string
  updatedAt: string
}

export const notificationView = (n: Notification): NotificationView => ({
  id: n.id,
  kind: n.kind,
  seq: n.seq,
  title: n.title,
  body: n.body,
  data: (n.data ?? {}) as Record<string, unknown>,
  count: n.count,
  read: n.readAt !== null,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
})
