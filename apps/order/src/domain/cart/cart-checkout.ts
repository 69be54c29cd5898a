// POST /cart/checkout: one order per chosen line, each placed through the same code as POST /
// (stock, per-buyer limit, admission, SOLD_OUT), so a line is refused exactly as a direct order
// would be. Lines that became orders leave the cart; the others stay. Each line's order keeps its
// own durable Idempotency-Key answer (the request's key plus the deal id), so a retry of the
// checkout with the same key replays the orders already placed instead of placing them again.
import type { PaymentMethod, Problem } from '@deals/contracts'
import { DomainError, toProblem } from '@deals/service-kit'
import {
  JSON_CONTENT_TYPE,
  requestHash,
  type IdempotencyClaim,
  type IdempotencyStore,
  type StoredAnswer,
} from '@deals/idempotency'
import type { OrderPlacement } from '../orders/order-placement.ts'
import { CartEmpty, CartLineNotFound } from './cart-errors.ts'
import type { CartLine, Carts } from './carts.ts'

export interface CheckoutRequest {
  /** Deal ids of the lines to check out; every line when absent. */
  items?: string[] | undefined
  paymentMethod: PaymentMethod
  addressId?: string | undefined
}

export type CheckoutLineResult =
  | { dealId: string; quantity: number; outcome: 'ORDERED'; orderId: string; status: string }
  | { dealId: string; quantity: number; outcome: 'REFUSED'; problem: Problem }

export const CHECKOUT_SCOPE = 'POST /cart/checkout'
const LINE_SCOPE = 'POST /cart/checkout line'

export class CartCheckout {
  constructor(
    private readonly deps: { carts: Carts; placement: OrderPlacement; idempotency: IdempotencyStore },
  ) {}

  /** The checkout's answer: the first one again for a retry with the same key and body. */
  async checkout(userId: string, request: CheckoutRequest, key: string): Promise<StoredAnswer> {
    const { idempotency } = this.deps
    const start = await idempotency.start({
      userId,
      scope: CHECKOUT_SCOPE,
      key,
      requestHash: requestHash({ ...request }),
    })
    if (start.kind === 'replay') return start.answer
    try {
      const results = await this.placeLines(userId, request, key)
      const answer: StoredAnswer = {
        statusCode: 200,
        contentType: JSON_CONTENT_TYPE,
        body: JSON.stringify({ results }),
      }
      await idempotency.complete(start.claim, answer)
      return answer
    } catch (error) {
      await idempotency.abandon(start.claim)
      throw error
    }
  }

  private async placeLines(
    userId: string,
    request: CheckoutRequest,
    key: string,
  ): Promise<CheckoutLineResult[]> {
    const { carts } = this.deps
    const lines = new Map((await carts.lines(userId)).map((l) => [l.dealId, l]))
    const chosen = request.items ?? [...lines.keys()]
    if (chosen.length === 0) throw CartEmpty()
    const results: CheckoutLineResult[] = []
    for (const dealId of chosen) {
      const line = lines.get(dealId)
      results.push(
        line
          ? await this.placeLine(userId, line, request, key)
          : { dealId, quantity: 0, outcome: 'REFUSED', problem: toProblem(CartLineNotFound()) },
      )
    }
    await carts.removeLines(
      userId,
      results.flatMap((r) => (r.outcome === 'ORDERED' ? [r.dealId] : [])),
    )
    return results
  }

  private async placeLine(
    userId: string,
    line: CartLine,
    request: CheckoutRequest,
    key: string,
  ): Promise<CheckoutLineResult> {
    const { idempotency, placement } = this.deps
    const order = {
      dealId: line.dealId,
      quantity: line.quantity,
      paymentMethod: request.paymentMethod,
      ...(request.addressId ? { addressId: request.addressId } : {}),
    }
    const claim: IdempotencyClaim = {
      userId,
      scope: LINE_SCOPE,
      key: `${key}:${line.dealId}`,
      requestHash: requestHash(order),
    }
    try {
      const answer = (await idempotency.durableAnswer(claim)) ?? (await placement.place(userId, order, claim))
      const placed = JSON.parse(answer.body) as { orderId: string; status: string }
      return { ...line, outcome: 'ORDERED', orderId: placed.orderId, status: placed.status }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      return { ...line, outcome: 'REFUSED', problem: toProblem(error) }
    }
  }
}
