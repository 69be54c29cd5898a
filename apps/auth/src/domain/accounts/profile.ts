// The signed-in user's own account, with the phone number decrypted for its owner.
import { NotFound } from '@deals/service-kit'
import type { FieldCipher } from '@deals/field-cipher'
import type { AuthDb } from '../database.ts'

export class Profiles {
  constructor(
    private readonly db: AuthDb,
    private readonly cipher: FieldCipher,
  ) {}

  async me(userId: string) {
    const user = await this.db.user.findUnique({ where: { id: userId }, include: { seller: true } })
    if (!user) throw NotFound('No such account')
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      phone: user.phoneEnc ? this.cipher.decrypt(user.phoneEnc) : null,
      roles: user.roles,
      sellerId: user.seller?.id ?? null,
      emailVerified: user.emailVerifiedAt !== null,
      createdAt: user.createdAt.toISOString(),
    }
  }
}
