// Seller applications: a verified user applies, an admin approves (a seller and the SELLER role
// are created, with their events, in one transaction) or rejects. Each is decided once.
import { randomUUID } from 'node:crypto'
import { defineError, Forbidden, NotFound } from '@deals/service-kit'
import { sellerApprovedV1, userRolesChangedV1 } from '@deals/contracts'
import type { SellerApplicationStatus } from '../../generated/prisma/client.ts'
import { lockUser, type AuthDb, type AuthTx } from '../database.ts'
import { publishEvent } from '../events/publish-event.ts'
import { normaliseBusinessNumber } from './business-number.ts'

export const InvalidBusinessNumber = defineError(
  'INVALID_BUSINESS_NUMBER',
  400,
  'The business number is not a valid Korean registration number (123-45-67890)',
)
export const ApplicationPending = defineError(
  'APPLICATION_PENDING',
  409,
  'You already have an application waiting for review',
)
export const AlreadySeller = defineError('ALREADY_SELLER', 409, 'You are already a seller')
export const AlreadyDecided = defineError(
  'APPLICATION_ALREADY_DECIDED',
  409,
  'This application was already decided',
)

type ApplicationRow = Awaited<ReturnType<AuthDb['sellerApplication']['findFirstOrThrow']>>

export interface ApplicationView {
  id: string
  userId: string
  companyName: string
  businessNumber: string
  status: SellerApplicationStatus
  rejectReason: string | null
  createdAt: string
  decidedAt: string | null
  sellerId?: string
}

const view = (row: ApplicationRow, sellerId?: string): ApplicationView => ({
  id: row.id,
  userId: row.userId,
  companyName: row.companyName,
  businessNumber: row.businessNumber,
  status: row.status,
  rejectReason: row.rejectReason,
  createdAt: row.createdAt.toISOString(),
  decidedAt: row.decidedAt?.toISOString() ?? null,
  ...(sellerId ? { sellerId } : {}),
})

export class SellerOnboarding {
  constructor(private readonly db: AuthDb) {}

  async apply(
    userId: string,
    input: { companyName: string; businessNumber: string },
  ): Promise<ApplicationView> {
    const businessNumber = normaliseBusinessNumber(input.businessNumber)
    if (!businessNumber) throw InvalidBusinessNumber()
    return this.db.$transaction(async (tx) => {
      if (!(await lockUser(tx, userId))) throw NotFound('No such account')
      const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: { seller: true } })
      if (!user.emailVerifiedAt) throw Forbidden('Confirm your e-mail address before applying')
      if (user.seller) throw AlreadySeller()
      if (await tx.sellerApplication.count({ where: { userId, status: 'PENDING' } }))
        throw ApplicationPending()
      return view(
        await tx.sellerApplication.create({
          data: { userId, companyName: input.companyName, businessNumber },
        }),
      )
    })
  }

  async mine(userId: string): Promise<ApplicationView[]> {
    const rows = await this.db.sellerApplication.findMany({
      where: { userId },
      orderBy: { createdAt: 'desc' },
    })
    return rows.map((r) => view(r))
  }

  /** Oldest first; the cursor is the last id seen. */
  async list(query: { status?: SellerApplicationStatus; cursor?: string; limit: number }) {
    const rows = await this.db.sellerApplication.findMany({
      where: query.status ? { status: query.status } : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    })
    const page = rows.slice(0, query.limit)
    return { items: page.map((r) => view(r)), nextCursor: rows.length > query.limit ? page.at(-1)!.id : null }
  }

  async approve(applicationId: string, adminId: string): Promise<ApplicationView> {
    return this.db.$transaction(async (tx) => {
      const application = await this.claim(tx, applicationId, adminId, { status: 'APPROVED' })
      const sellerId = randomUUID()
      await tx.seller.create({
        data: {
          id: sellerId,
          userId: application.userId,
          companyName: application.companyName,
          businessNumber: application.businessNumber,
        },
      })
      const user = await tx.user.findUniqueOrThrow({ where: { id: application.userId } })
      const roles = [...new Set([...user.roles, 'SELLER' as const])]
      await tx.user.update({ where: { id: user.id }, data: { roles } })
      await publishEvent(tx, sellerApprovedV1, {
        sellerId,
        userId: user.id,
        companyName: application.companyName,
      })
      await publishEvent(tx, userRolesChangedV1, { userId: user.id, roles, sellerId })
      return view(application, sellerId)
    })
  }

  async reject(applicationId: string, adminId: string, reason: string): Promise<ApplicationView> {
    return this.db.$transaction(async (tx) =>
      view(await this.claim(tx, applicationId, adminId, { status: 'REJECTED', rejectReason: reason })),
    )
  }

  /** Decides a pending application exactly once, even when two admins click together. */
  private async claim(
    tx: AuthTx,
    id: string,
    adminId: string,
    decision: { status: 'APPROVED' | 'REJECTED'; rejectReason?: string },
  ) {
    const claimed = await tx.sellerApplication.updateMany({
      where: { id, status: 'PENDING' },
      data: { ...decision, decidedBy: adminId, decidedAt: new Date() },
    })
    const row = await tx.sellerApplication.findUnique({ where: { id } })
    if (!row) throw NotFound('No such application')
    if (claimed.count === 0) throw AlreadyDecided()
    return row
  }
}
