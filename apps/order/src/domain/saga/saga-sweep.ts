// The periodic sweep that unsticks purchase sagas the messages left waiting: one still awaiting
// payment past its deadline (its expiry job did not run) takes the timeout path; one compensating
// without an answer for SAGA_RESEND_AFTER_MS sends its refund command again (a new message; the
// payment service answers per order, so a repeat changes nothing there), counting the attempts.
import type { OrderDb } from '../database.ts'
import type { ReservationExpiry } from '../orders/reservation-expiry.ts'
import type { SagaStore } from './saga-store.ts'

export const SAGA_SWEEP_JOB = 'order.saga-sweep'

/** Sagas handled per state and run; the next run takes the rest. */
const BATCH = 200

export interface SagaSweepDeps {
  db: OrderDb
  sagas: SagaStore
  expiry: ReservationExpiry
  /** How long after its deadline an unpaid saga is taken for one whose expiry job did not run. */
  timeoutGraceMs: number
  resendAfterMs: number
}

export class SagaSweep {
  constructor(private readonly deps: SagaSweepDeps) {}

  async sweep(now = new Date()): Promise<{ timedOut: number; resent: number }> {
    const { db, sagas, expiry, timeoutGraceMs, resendAfterMs } = this.deps
    const overdue = await db.purchaseSaga.findMany({
      where: { state: 'PAYMENT_REQUESTED', deadline: { lt: new Date(now.getTime() - timeoutGraceMs) } },
      select: { orderId: true },
      orderBy: { deadline: 'asc' },
      take: BATCH,
    })
    let timedOut = 0
    for (const { orderId } of overdue)
      if (await expiry.expire({ orderId }, 'unpaid past the payment deadline; its expiry job did not run'))
        timedOut++

    const cutoff = new Date(now.getTime() - resendAfterMs)
    const unanswered = await db.purchaseSaga.findMany({
      where: { state: 'COMPENSATING', commandSentAt: { lt: cutoff } },
      select: { orderId: true, step: true, commandSentAt: true, order: true },
      orderBy: { commandSentAt: 'asc' },
      take: BATCH,
    })
    let resent = 0
    for (const candidate of unanswered) {
      const seconds = Math.round((now.getTime() - candidate.commandSentAt!.getTime()) / 1000)
      const { decision } = await db.$transaction((tx) =>
        sagas.advance(tx, candidate.order, 'RESEND', {
          // Another replica's sweep, or the reply, may have come first.
          when: (s) => s.step === candidate.step && (s.commandSentAt?.getTime() ?? 0) < cutoff.getTime(),
          lastError: `no refund-completed ${seconds} s after the refund request`,
          now,
        }),
      )
      if (decision.kind === 'MOVE') resent++
    }
    return { timedOut, resent }
  }
}
