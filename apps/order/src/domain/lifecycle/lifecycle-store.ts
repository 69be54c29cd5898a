// Takes one lifecycle step durably: reads the order, lets the state machine decide, then changes
// the status with a conditional update (the status and version read) in a transaction that also
// moves the purchase saga, writes the step's event to the outbox and whatever the step schedules.
// A step that loses a race to another one reads the order again and decides again, so concurrent
// steps on one order end in exactly one of them.
import type { OrderStatus } from '@deals/contracts'
import { enqueue } from '@deals/messaging'
import type { Order, Prisma, SagaState } from '../../generated/prisma/client.ts'
import type { OrderDb, OrderTx } from '../database.ts'
import { OrderNotFound } from '../orders/order-errors.ts'
import { lifecycleEvent } from './lifecycle-events.ts'
import { OrderStatusConflict } from './lifecycle-errors.ts'
import { decide, type LifecycleStep } from './order-transitions.ts'

export interface StepRequest {
  orderId: string
  step: LifecycleStep
  now?: Date
  /** False for someone who may not take the step on this order: answered 404, as if it did not exist. */
  visible?: (order: Order) => boolean
  /** Fields the step writes besides the status and its time (reasons, the payment id). */
  data?: Prisma.OrderUpdateManyMutationInput
  /** Why the saga failed, kept on it (a payment failure). */
  sagaError?: string
  /** Writes that go with the step, in its transaction (e.g. scheduling the next one). */
  alongside?: (tx: OrderTx, order: Order) => Promise<unknown>
}

export interface StepResult {
  order: Order
  /** False when the order had already taken the step: nothing was written. */
  moved: boolean
  previousStatus: OrderStatus
}

/** The time each status is entered at. */
const STAMP: Partial<Record<OrderStatus, keyof Prisma.OrderUpdateManyMutationInput>> = {
  PAID: 'paidAt',
  SHIPPING: 'shippedAt',
  DELIVERED: 'deliveredAt',
  CANCELLED: 'cancelledAt',
  RETURN_REQUESTED: 'returnRequestedAt',
  RETURNED: 'returnResolvedAt',
  RETURN_REJECTED: 'returnResolvedAt',
}

const UNPAID_SAGA: SagaState[] = ['AWAITING_PAYMENT', 'PAYMENT_REQUESTED']

/**
 * How a step moves the purchase saga: payment completes it; a failure or cancel before payment
 * compensates it (stock released); a cancel after payment leaves it compensating until the
 * payment service has refunded.
 */
function sagaMove(step: LifecycleStep, from: OrderStatus): { from: SagaState[]; to: SagaState } | null {
  if (step === 'PAY') return { from: UNPAID_SAGA, to: 'COMPLETED' }
  if (step === 'FAIL_PAYMENT' || (step === 'CANCEL' && from === 'PENDING_PAYMENT'))
    return { from: UNPAID_SAGA, to: 'COMPENSATED' }
  if (step === 'CANCEL') return { from: ['COMPLETED'], to: 'COMPENSATING' }
  return null
}

/** Another step changed the order (or its saga) between the read and the write. */
class LostRace extends Error {}

const ATTEMPTS = 5

export class LifecycleStore {
  constructor(private readonly db: OrderDb) {}

  async take(request: StepRequest): Promise<StepResult> {
    return (await this.takeIf(() => true, request)) as StepResult
  }

  /**
   * The step, for as long as `current` holds for the order (a job scheduled for one version of
   * it); null once it does not, and nothing is written.
   */
  async takeIf(current: (order: Order) => boolean, request: StepRequest): Promise<StepResult | null> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const order = await this.db.order.findUnique({ where: { id: request.orderId } })
      if (!order || (request.visible && !request.visible(order))) throw OrderNotFound()
      if (!current(order)) return null
      const now = request.now ?? new Date()
      const decision = decide(order, request.step, now)
      if (decision.kind === 'DONE') return { order, moved: false, previousStatus: order.status }
      try {
        const moved = await this.db.$transaction((tx) => this.write(tx, request, order, decision.to, now))
        return { order: moved, moved: true, previousStatus: order.status }
      } catch (error) {
        if (!(error instanceof LostRace)) throw error
      }
    }
    throw OrderStatusConflict('The order is changing; retry in a moment')
  }

  private async write(
    tx: OrderTx,
    request: StepRequest,
    before: Order,
    to: OrderStatus,
    now: Date,
  ): Promise<Order> {
    // The saga row first: reservation expiry locks it before the order too, so the two never deadlock.
    const saga = sagaMove(request.step, before.status)
    if (saga) {
      const { count } = await tx.purchaseSaga.updateMany({
        where: { orderId: before.id, state: { in: saga.from } },
        data: {
          state: saga.to,
          step: { increment: 1 },
          deadline: null,
          ...(request.sagaError ? { lastError: request.sagaError } : {}),
        },
      })
      if (count === 0) throw new LostRace()
    }
    const stamp = STAMP[to]
    const { count } = await tx.order.updateMany({
      where: { id: before.id, status: before.status, version: before.version },
      data: { ...(stamp ? { [stamp]: now } : {}), ...request.data, status: to, version: { increment: 1 } },
    })
    if (count === 0) throw new LostRace()
    const after = await tx.order.findUniqueOrThrow({ where: { id: before.id } })
    const event = lifecycleEvent(request.step, after, before.status)
    await enqueue(tx, event)
    await request.alongside?.(tx, after)
    return after
  }
}
