// The users' e-mail addresses, kept from auth's user.registered events, for e-mail notifications.
import type { NotificationTx } from '../database.ts'

export interface RegisteredUser {
  userId: string
  email: string
  name: string
}

export async function rememberUser(tx: NotificationTx, user: RegisteredUser): Promise<void> {
  const { userId, email, name } = user
  await tx.userContact.upsert({ where: { userId }, create: { userId, email, name }, update: { email, name } })
}
