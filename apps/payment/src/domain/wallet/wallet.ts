// A buyer's wallet: its balance, top-ups (booked from the top-up clearing account, answered once
// per Idempotency-Key and kept durably with the booking) and its ledger entries, newest first.
import { z } from 'zod'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import type { PaymentDb } from '../database.ts'
import {
  JSON_CONTENT_TYPE,
  type IdempotencyClaim,
  type IdempotencyStore,
  type StoredAnswer,
} from '@deals/idempotency'
import { balanceAfter, book, topUpClearing, wallet, type LedgerKind } from '../ledger/ledger.ts'
import { TopUpTooLarge } from './wallet-errors.ts'
import type { PaymentMetrics } from '../payments/payment-metrics.ts'

export interface WalletView {
  userId: string
  balance: number
  updatedAt: string | null
}

export interface WalletEntryView {
  id: string
  transactionId: string
  kind: LedgerKind
  /** Positive into the wallet, negative out of it. */
  amount: number
  balanceAfter: number
  paymentId: string | null
  createdAt: string
}

const cursorShape = { id: z.uuid() }

/** Under a burst, top-ups queue for a pooled connection rather than fail. */
const WRITE_BOUNDS = { maxWait: 10_000, timeout: 10_000 }

export class Wallets {
  constructor(
    private readonly deps: {
      db: PaymentDb
      idempotency: IdempotencyStore
      metrics: PaymentMetrics
      topUpMaxAmount: number
    },
  ) {}

  async balanceOf(userId: string): Promise<WalletView> {
    const account = await this.deps.db.account.findUnique({
      where: { kind_ownerId: { kind: 'USER_WALLET', ownerId: userId } },
    })
    return {
      userId,
      balance: account ? Number(account.balance) : 0,
      updatedAt: account ? account.updatedAt.toISOString() : null,
    }
  }

  /** Books the top-up and keeps its answer for the key in the same transaction. */
  async topUp(userId: string, amount: number, claim: IdempotencyClaim): Promise<StoredAnswer> {
    const { db, idempotency, metrics, topUpMaxAmount } = this.deps
    if (amount > topUpMaxAmount)
      throw TopUpTooLarge(`A single top-up is at most ${topUpMaxAmount} won`, { maxAmount: topUpMaxAmount })
    const answer = await db.$transaction(async (tx) => {
      const booked = await book(tx, {
        kind: 'TOPUP',
        reference: `${userId}:${claim.key}`,
        amount,
        from: topUpClearing,
        to: wallet(userId),
      })
      if (booked.outcome !== 'BOOKED') return null
      const body = JSON.stringify({
        transactionId: booked.transactionId,
        amount,
        balance: Number(balanceAfter(booked, wallet(userId))),
      })
      await tx.idempotencyRecord.create({
        data: {
          userId,
          scope: claim.scope,
          key: claim.key,
          requestHash: claim.requestHash,
          statusCode: 200,
          body,
        },
      })
      return { statusCode: 200, contentType: JSON_CONTENT_TYPE, body } satisfies StoredAnswer
    }, WRITE_BOUNDS)
    if (answer) {
      metrics.walletTopUp(amount)
      return answer
    }
    // The key was booked before and Redis has since forgotten the answer: PostgreSQL kept it.
    const earlier = await idempotency.durableAnswer(claim)
    if (!earlier) throw new Error(`top-up ${claim.key} is booked but its answer is missing`)
    return earlier
  }

  async entriesOf(
    userId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: WalletEntryView[]; nextCursor: string | null }> {
    const before = page.cursor ? decodeCursor(page.cursor, cursorShape).id : undefined
    const rows = await this.deps.db.ledgerEntry.findMany({
      where: {
        account: { kind: 'USER_WALLET', ownerId: userId },
        ...(before ? { id: { lt: before } } : {}),
      },
      include: { transaction: { select: { kind: true, paymentId: true } } },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    })
    const items = rows.slice(0, page.limit)
    const last = items.at(-1)
    return {
      items: items.map((e) => ({
        id: e.id,
        transactionId: e.transactionId,
        kind: e.transaction.kind,
        amount: Number(e.amount),
        balanceAfter: Number(e.balanceAfter),
        paymentId: e.transaction.paymentId,
        createdAt: e.createdAt.toISOString(),
      })),
      nextCursor: rows.length > page.limit && last ? encodeCursor({ id: last.id }) : null,
    }
  }
}
