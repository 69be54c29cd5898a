// Takes one lifecycle step durably: reads the order, lets the state machine decide, then changes
// the status with a conditional update (the status and version read) in a transaction that also
// moves the purchase saga (with the command the move sends), writes the step's event to the
// outbox and whatever the step schedules. A step that loses a race to another one reads the
// order again and decides again, so concurrent steps on one order end in exactly one of them.
import type { OrderStatus } from '@deals/contracts'
import { enqueue } from '@deals/messaging'
import type { Order, Prisma } from '../../generated/prisma/client.ts'
import type { OrderDb, OrderTx } from '../database.ts'
import { OrderNotFound } from '../orders/order-errors.ts'
import type { SagaInput } from '../saga/purchase-saga.ts'
import type { SagaMetrics } from '../saga/saga-metrics.ts'
import type { SagaEnded, SagaStore } from '../saga/saga-store.ts'
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
  /** The saga reached an outcome with this step. */
  sagaEnded?: SagaEnded | undefined
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

/** What a step means to the purchase saga; steps without one leave it alone. */
function sagaInput(step: LifecycleStep): SagaInput | null {
  switch (step) {
    case 'PAY':
      return 'CHARGE_SUCCEEDED'
    case 'FAIL_PAYMENT':
      return 'CHARGE_FAILED'
    case 'CANCEL':
      return 'BUYER_CANCELLED'
    case 'APPROVE_RETURN':
      return 'RETURNED'
    default:
      return null
  }
}

/** Another step changed the order (or its saga) between the read and the write. */
class LostRace extends Error {
  constructor() {
    super('the order or its saga changed meanwhile')
  }
}

const ATTEMPTS = 5

export class LifecycleStore {
  constructor(
    private readonly db: OrderDb,
    private readonly sagas: SagaStore,
    private readonly metrics: SagaMetrics,
  ) {}

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
        const { after, sagaEnded } = await this.db.$transaction((tx) =>
          this.write(tx, request, order, decision.to, now),
        )
        this.metrics.ended(sagaEnded)
        return { order: after, moved: true, previousStatus: order.status, sagaEnded }
      } catch (error) {
        if (!(error instanceof LostRace)) throw error
      }
    }
    throw OrderStatusConflict('The order is changing; retry in a moment')
  }

  /**
   * The step inside the caller's transaction (a consumer's, whose inbox record commits with it),
   * for a caller that holds the saga's lock: nothing else moves the order's payment state
   * meanwhile. Counting the saga's outcome is left to the caller, after its commit.
   */
  async takeIn(tx: OrderTx, request: StepRequest): Promise<StepResult> {
    const order = await tx.order.findUnique({ where: { id: request.orderId } })
    if (!order) throw OrderNotFound()
    const now = request.now ?? new Date()
    const decision = decide(order, request.step, now)
    if (decision.kind === 'DONE') return { order, moved: false, previousStatus: order.status }
    const { after, sagaEnded } = await this.write(tx, request, order, decision.to, now)
    return { order: after, moved: true, previousStatus: order.status, sagaEnded }
  }

  private async write(
    tx: OrderTx,
    request: StepRequest,
    before: Order,
    to: OrderStatus,
    now: Date,
  ): Promise<{ after: Order; sagaEnded: SagaEnded | undefined }> {
    // The saga row first: every writer of the payment state locks it before the order.
    const input = sagaInput(request.step)
    let sagaEnded: SagaEnded | undefined
    if (input) {
      const advanced = await this.sagas.advance(tx, before, input, {
        ...(request.sagaError ? { lastError: request.sagaError } : {}),
        now,
      })
      if (advanced.decision.kind === 'DROP') throw new LostRace()
      sagaEnded = advanced.ended
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
    return { after, sagaEnded }
  }
}
