// The double-entry ledger: every movement of money is one transaction whose entries sum to zero,
// booked at most once per business reference. Balances live on the account rows and change in
// the same statement batch as the entries; a wallet's debit is a guarded UPDATE, so concurrent
// debits never take it below zero and never lose an update.
import { v7 as uuidv7 } from 'uuid'
import type { PaymentTx } from '../database.ts'

export type AccountKind = 'USER_WALLET' | 'SELLER_PAYABLE' | 'TOPUP_CLEARING' | 'PG_CLEARING' | 'PARTY_ESCROW'
export type LedgerKind = 'TOPUP' | 'PAYMENT' | 'REFUND' | 'SHARE_CHARGE' | 'SHARE_REFUND' | 'SHARE_RELEASE'

/** Owner of the system accounts (top-up and provider clearing). */
export const SYSTEM_OWNER = '00000000-0000-0000-0000-000000000000'

export interface AccountRef {
  kind: AccountKind
  ownerId: string
}

export const wallet = (userId: string): AccountRef => ({ kind: 'USER_WALLET', ownerId: userId })
export const sellerPayable = (sellerId: string): AccountRef => ({ kind: 'SELLER_PAYABLE', ownerId: sellerId })
export const partyEscrow = (partyId: string): AccountRef => ({ kind: 'PARTY_ESCROW', ownerId: partyId })
export const topUpClearing: AccountRef = { kind: 'TOPUP_CLEARING', ownerId: SYSTEM_OWNER }
export const pgClearing: AccountRef = { kind: 'PG_CLEARING', ownerId: SYSTEM_OWNER }

export interface Booking {
  kind: LedgerKind
  /** Unique per kind: the same business fact is never booked twice. */
  reference: string
  /** Whole won moved from `from` to `to`. */
  amount: number
  from: AccountRef
  to: AccountRef
  paymentId?: string
}

export type BookingResult =
  | { outcome: 'BOOKED'; transactionId: string; balances: Map<string, bigint> }
  | { outcome: 'DUPLICATE' }
  | { outcome: 'INSUFFICIENT_BALANCE' }

/**
 * Accounts are locked in one global order (wallets first, then by kind and owner), so two
 * bookings touching the same accounts in opposite directions (a payment and a refund) never
 * deadlock, and a wallet's guard fails before anything else was written.
 */
const KIND_RANK: Record<AccountKind, number> = {
  USER_WALLET: 0,
  SELLER_PAYABLE: 1,
  TOPUP_CLEARING: 2,
  PG_CLEARING: 3,
  PARTY_ESCROW: 4,
}

/** Accounts that refuse to go below zero: a wallet, and a party's escrow (it pays out only what it collected). */
const GUARDED = new Set<AccountKind>(['USER_WALLET', 'PARTY_ESCROW'])

const accountKey = (a: AccountRef) => `${a.kind}:${a.ownerId}`

/**
 * Books `booking` in the caller's transaction. A savepoint makes the booking all or nothing
 * without aborting the caller's transaction, so the caller can act on INSUFFICIENT_BALANCE or
 * DUPLICATE (a payment that fails still records that it failed).
 */
export async function book(tx: PaymentTx, booking: Booking): Promise<BookingResult> {
  if (!Number.isSafeInteger(booking.amount) || booking.amount <= 0)
    throw new Error(`ledger amounts are positive whole won, got ${booking.amount}`)
  const legs = [
    { account: booking.from, amount: -BigInt(booking.amount) },
    { account: booking.to, amount: BigInt(booking.amount) },
  ].sort(
    (a, b) =>
      KIND_RANK[a.account.kind] - KIND_RANK[b.account.kind] ||
      a.account.ownerId.localeCompare(b.account.ownerId),
  )
  await tx.$executeRawUnsafe('SAVEPOINT ledger_booking')
  const transactionId = uuidv7()
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO ledger_transactions (id, kind, reference, amount, payment_id)
    VALUES (${transactionId}::uuid, ${booking.kind}::"LedgerKind", ${booking.reference}, ${booking.amount},
            ${booking.paymentId ?? null}::uuid)
    ON CONFLICT (kind, reference) DO NOTHING
    RETURNING id`
  if (inserted.length === 0) {
    await tx.$executeRawUnsafe('RELEASE SAVEPOINT ledger_booking')
    return { outcome: 'DUPLICATE' }
  }
  const balances = new Map<string, bigint>()
  for (const leg of legs) {
    const balance = await move(tx, transactionId, leg.account, leg.amount)
    if (balance === null) {
      await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT ledger_booking')
      await tx.$executeRawUnsafe('RELEASE SAVEPOINT ledger_booking')
      return { outcome: 'INSUFFICIENT_BALANCE' }
    }
    balances.set(accountKey(leg.account), balance)
  }
  await tx.$executeRawUnsafe('RELEASE SAVEPOINT ledger_booking')
  return { outcome: 'BOOKED', transactionId, balances }
}

/** The balance of `account` after the booking, from the result of `book`. */
export function balanceAfter(result: BookingResult & { outcome: 'BOOKED' }, account: AccountRef): bigint {
  const balance = result.balances.get(accountKey(account))
  if (balance === undefined) throw new Error(`account ${accountKey(account)} was not in the booking`)
  return balance
}

/**
 * Applies `delta` to the account and records the entry, in one statement; the account is created
 * on first use. A wallet refuses to go below zero: the guarded UPDATE matches no row, no entry is
 * written, and null comes back.
 */
async function move(
  tx: PaymentTx,
  transactionId: string,
  account: AccountRef,
  delta: bigint,
): Promise<bigint | null> {
  const applied = await applyAndRecord(tx, transactionId, account, delta)
  if (applied !== null || (delta < 0n && GUARDED.has(account.kind))) return applied
  await tx.$executeRaw`
    INSERT INTO accounts (id, kind, owner_id)
    VALUES (${uuidv7()}::uuid, ${account.kind}::"AccountKind", ${account.ownerId}::uuid)
    ON CONFLICT (kind, owner_id) DO NOTHING`
  return applyAndRecord(tx, transactionId, account, delta)
}

async function applyAndRecord(
  tx: PaymentTx,
  transactionId: string,
  account: AccountRef,
  delta: bigint,
): Promise<bigint | null> {
  const rows = await tx.$queryRaw<{ balance: bigint }[]>`
    WITH moved AS (
      UPDATE accounts SET balance = balance + ${delta}, updated_at = now()
      WHERE kind = ${account.kind}::"AccountKind" AND owner_id = ${account.ownerId}::uuid
        AND (kind NOT IN ('USER_WALLET', 'PARTY_ESCROW') OR balance + ${delta} >= 0)
      RETURNING id, balance
    )
    INSERT INTO ledger_entries (id, transaction_id, account_id, amount, balance_after)
    SELECT ${uuidv7()}::uuid, ${transactionId}::uuid, id, ${delta}, balance FROM moved
    RETURNING balance_after AS balance`
  return rows[0]?.balance ?? null
}
