// A user's delivery addresses: at most five, exactly one default, personal fields encrypted at
// rest. Changes lock the owner's row so concurrent requests cannot break the limit or the default.
import { defineError, NotFound } from '@deals/service-kit'
import type { FieldCipher } from '@deals/field-cipher'
import { lockUser, type AuthDb, type AuthTx } from '../database.ts'

export const AddressLimitReached = defineError(
  'ADDRESS_LIMIT_REACHED',
  409,
  'You can keep at most 5 addresses',
)
export const MAX_ADDRESSES = 5

export interface AddressFields {
  label: string
  recipient: string
  phone: string
  postalCode: string
  line1: string
  line2?: string | null
  isDefault?: boolean
}

export interface Address extends Required<Omit<AddressFields, 'line2'>> {
  id: string
  line2: string | null
  createdAt: string
}

type AddressRow = Awaited<ReturnType<AuthDb['address']['findFirstOrThrow']>>

export class AddressBook {
  constructor(
    private readonly db: AuthDb,
    private readonly cipher: FieldCipher,
  ) {}

  async list(userId: string): Promise<Address[]> {
    const rows = await this.db.address.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } })
    return rows.map((r) => this.toAddress(r))
  }

  async add(userId: string, fields: AddressFields): Promise<Address> {
    return this.db.$transaction(async (tx) => {
      if (!(await lockUser(tx, userId))) throw NotFound('No such account')
      const count = await tx.address.count({ where: { userId } })
      if (count >= MAX_ADDRESSES) throw AddressLimitReached()
      const isDefault = count === 0 || fields.isDefault === true
      if (isDefault)
        await tx.address.updateMany({ where: { userId, isDefault: true }, data: { isDefault: false } })
      const row = await tx.address.create({ data: { userId, ...this.encrypted(fields), isDefault } })
      return this.toAddress(row)
    })
  }

  async update(userId: string, id: string, fields: Partial<AddressFields>): Promise<Address> {
    return this.db.$transaction(async (tx) => {
      await lockUser(tx, userId)
      const current = await this.owned(tx, userId, id)
      // The default moves only by choosing another one; unsetting the only default is ignored.
      if (fields.isDefault === true && !current.isDefault)
        await tx.address.updateMany({ where: { userId, isDefault: true }, data: { isDefault: false } })
      const row = await tx.address.update({
        where: { id },
        data: { ...this.encrypted(fields), isDefault: current.isDefault || fields.isDefault === true },
      })
      return this.toAddress(row)
    })
  }

  async remove(userId: string, id: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await lockUser(tx, userId)
      const current = await this.owned(tx, userId, id)
      await tx.address.delete({ where: { id } })
      if (current.isDefault) {
        const next = await tx.address.findFirst({ where: { userId }, orderBy: { createdAt: 'asc' } })
        if (next) await tx.address.update({ where: { id: next.id }, data: { isDefault: true } })
      }
    })
  }

  /** Another user's address is reported as missing, not forbidden: its existence is not theirs to learn. */
  private async owned(tx: AuthTx, userId: string, id: string) {
    const row = await tx.address.findFirst({ where: { id, userId } })
    if (!row) throw NotFound('No such address')
    return row
  }

  private encrypted(fields: Partial<AddressFields>) {
    const enc = (v: string | undefined) => (v === undefined ? undefined : this.cipher.encrypt(v))
    return {
      label: fields.label,
      postalCode: fields.postalCode,
      recipientEnc: enc(fields.recipient),
      phoneEnc: enc(fields.phone),
      line1Enc: enc(fields.line1),
      line2Enc: fields.line2 === null ? null : enc(fields.line2),
    } as {
      label: string
      postalCode: string
      recipientEnc: string
      phoneEnc: string
      line1Enc: string
      line2Enc: string | null | undefined
    }
  }

  private toAddress(row: AddressRow): Address {
    return {
      id: row.id,
      label: row.label,
      recipient: this.cipher.decrypt(row.recipientEnc),
      phone: this.cipher.decrypt(row.phoneEnc),
      postalCode: row.postalCode,
      line1: this.cipher.decrypt(row.line1Enc),
      line2: row.line2Enc ? this.cipher.decrypt(row.line2Enc) : null,
      isDefault: row.isDefault,
      createdAt: row.createdAt.toISOString(),
    }
  }
}
