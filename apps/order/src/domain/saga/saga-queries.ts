// What operators see of the purchase sagas: a page of them by state, or only the stuck ones
// (waiting on the payment service more than SAGA_STUCK_AFTER_MS past their deadline), and the
// stuck counts behind the `saga_stuck` gauge.
import { z } from 'zod'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import type { Prisma, PurchaseSaga } from '../../generated/prisma/client.ts'
import type { OrderDb } from '../database.ts'
import { WAITING_STATES, type SagaState } from './purchase-saga.ts'

const cursorShape = { id: z.uuid() }

export interface SagaListQuery {
  limit: number
  cursor?: string | undefined
  state?: SagaState | undefined
  stuck?: boolean | undefined
}

export function sagaView(saga: PurchaseSaga, stuckBefore: Date) {
  const iso = (d: Date | null) => d?.toISOString() ?? null
  return {
    orderId: saga.orderId,
    state: saga.state,
    step: saga.step,
    deadline: iso(saga.deadline),
    commandSentAt: iso(saga.commandSentAt),
    refundReason: saga.refundReason,
    attempts: saga.attempts,
    lastError: saga.lastError,
    stuck: WAITING_STATES.includes(saga.state) && !!saga.deadline && saga.deadline < stuckBefore,
    createdAt: saga.createdAt.toISOString(),
    updatedAt: saga.updatedAt.toISOString(),
  }
}

export type SagaView = ReturnType<typeof sagaView>

export class SagaQueries {
  constructor(
    private readonly db: OrderDb,
    private readonly stuckAfterMs: number,
  ) {}

  private stuckWhere(now: Date): Prisma.PurchaseSagaWhereInput {
    return {
      state: { in: WAITING_STATES },
      deadline: { lt: new Date(now.getTime() - this.stuckAfterMs) },
    }
  }

  /** Order ids are UUIDv7, so newest first is id order. */
  async list(
    query: SagaListQuery,
    now = new Date(),
  ): Promise<{ items: SagaView[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor, cursorShape).id : undefined
    const rows = await this.db.purchaseSaga.findMany({
      where: {
        AND: [
          query.stuck ? this.stuckWhere(now) : {},
          query.state ? { state: query.state } : {},
          after ? { orderId: { lt: after } } : {},
        ],
      },
      orderBy: { orderId: 'desc' },
      take: query.limit + 1,
    })
    const items = rows.slice(0, query.limit)
    const last = items.at(-1)
    const stuckBefore = new Date(now.getTime() - this.stuckAfterMs)
    return {
      items: items.map((s) => sagaView(s, stuckBefore)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ id: last.orderId }) : null,
    }
  }

  async stuckByState(now = new Date()): Promise<{ state: SagaState; count: number }[]> {
    const groups = await this.db.purchaseSaga.groupBy({
      by: ['state'],
      where: this.stuckWhere(now),
      _count: { _all: true },
    })
    return groups.map((g) => ({ state: g.state, count: g._count._all }))
  }
}
