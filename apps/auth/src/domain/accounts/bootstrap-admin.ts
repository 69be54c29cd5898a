// Creates the first operator account from configuration at start; running it again changes nothing.
import type { AuthDb } from '../database.ts'
import { normaliseEmail } from './email-address.ts'
import type { PasswordHasher } from './passwords.ts'

export async function ensureAdminAccount(
  db: AuthDb,
  hasher: PasswordHasher,
  admin: { email: string; password: string },
) {
  const email = normaliseEmail(admin.email)
  if (await db.user.findUnique({ where: { email } })) return
  const passwordHash = await hasher.hash(admin.password)
  await db.user.upsert({
    where: { email },
    create: {
      email,
      passwordHash,
      name: 'Administrator',
      roles: ['BUYER', 'ADMIN'],
      emailVerifiedAt: new Date(),
    },
    update: {},
  })
}
