// A stand-in for the payment service in the order service's tests: it consumes the saga's commands
// in the test's vhost and answers with scripted replies, published to the event exchange as the
// payment service's relay would (an envelope with a fresh message id, routed by the reply's name).
// Like the real service it keeps one payment per order: a repeated charge is answered with the
// payment's outcome, a refund gives back what was charged (REFUNDED) or voids the payment (VOIDED),
// after which a charge is refused (ORDER_VOIDED).
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import {
  assertEventExchange,
  DEFAULT_EXCHANGE,
  openAmqpConnection,
  type AmqpConnection,
} from '@deals/messaging'
import {
  paymentApprovalRequiredV1,
  paymentChargeFailedV1,
  paymentChargeRequestedV1,
  paymentChargeSucceededV1,
  paymentRefundCompletedV1,
  paymentRefundRequestedV1,
  type EventPayload,
} from '@deals/contracts'
import type { TestOrderApp } from './test-order-app.ts'

type Channel = Awaited<ReturnType<Awaited<ReturnType<AmqpConnection['ready']>>['createChannel']>>
type ChargeCommand = EventPayload<typeof paymentChargeRequestedV1>
type RefundCommand = EventPayload<typeof paymentRefundRequestedV1>

/** How the double answers a charge: take the money, refuse it, ask the buyer, or say nothing yet. */
export type ChargeAnswer = 'succeed' | 'fail' | 'approval' | 'hold'

export interface PaymentDoubleOptions {
  /** The answer to each first charge of an order (default: hold until `answer` is called). */
  charge?: (command: ChargeCommand) => ChargeAnswer
  /** False: refund requests are held unanswered (default true). */
  refund?: boolean
  /** Waits this long before each reply. */
  delayMs?: number
  /** Publishes every reply twice under one message id and once more under another. */
  duplicate?: boolean
}

export interface ReceivedCommand {
  name: string
  messageId: string
  payload: { orderId: string; [field: string]: unknown }
}

type Payment =
  | { state: 'CHARGED'; paymentId: string; amount: number; paidAt: string }
  | { state: 'FAILED' | 'WAITING'; paymentId: string }
  | { state: 'REFUNDED' | 'VOIDED'; paymentId: string | null; amount: number }

export class PaymentDouble {
  readonly commands: ReceivedCommand[] = []
  /** Every reply published, copies included. */
  readonly replies: { name: string; messageId: string; orderId: string }[] = []
  private readonly payments = new Map<string, Payment>()
  private readonly held = new Map<string, ChargeCommand>()
  private readonly answers = new Map<string, ChargeAnswer>()
  private readonly heldRefunds = new Map<string, RefundCommand>()

  private constructor(
    private readonly connection: AmqpConnection,
    private readonly channel: Channel,
    private options: PaymentDoubleOptions,
  ) {}

  /** Binds its queue at once: start it before the orders whose commands it should see. */
  static async start(t: TestOrderApp, options: PaymentDoubleOptions = {}): Promise<PaymentDouble> {
    const connection = await openAmqpConnection({ url: t.env.AMQP_URL!, name: 'payment-double' })
    const channel = await (await connection.ready()).createChannel()
    await assertEventExchange(channel, DEFAULT_EXCHANGE)
    const { queue } = await channel.assertQueue(`test.payment-double.${randomUUID()}`, {
      exclusive: true,
      autoDelete: true,
    })
    for (const name of [paymentChargeRequestedV1.name, paymentRefundRequestedV1.name])
      await channel.bindQueue(queue, DEFAULT_EXCHANGE, name)
    const double = new PaymentDouble(connection, channel, options)
    await channel.consume(queue, (msg) => {
      if (!msg) return
      const envelope = JSON.parse(msg.content.toString('utf8')) as {
        id: string
        name: string
        payload: never
      }
      void double.receive(envelope).finally(() => channel.ack(msg))
    })
    t.onClose(() => double.stop())
    return double
  }

  /** Changes how later commands are answered. */
  configure(options: PaymentDoubleOptions): void {
    this.options = { ...this.options, ...options }
  }

  /** Answers an order's charge now if it is held, or when it arrives. */
  async answer(orderId: string, answer: ChargeAnswer): Promise<void> {
    this.answers.set(orderId, answer)
    const command = this.held.get(orderId)
    if (command && answer !== 'hold') {
      this.held.delete(orderId)
      await this.charge(command, answer)
    }
  }

  /** Answers a held refund request. */
  async completeRefund(orderId: string): Promise<void> {
    const command = this.heldRefunds.get(orderId)
    if (!command) throw new Error(`no refund request held for ${orderId}`)
    this.heldRefunds.delete(orderId)
    await this.refund(command)
  }

  /** Publishes a reply as the payment service would; returns its message id. */
  async reply(name: string, payload: object, messageId: string = randomUUID()): Promise<string> {
    const envelope = {
      id: messageId,
      name,
      occurredAt: new Date().toISOString(),
      producer: 'payment',
      payload,
    }
    this.replies.push({ name, messageId, orderId: (payload as { orderId: string }).orderId })
    this.channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      messageId,
      type: name,
      appId: 'payment',
      contentType: 'application/json',
    })
    return messageId
  }

  /**
   * Publishes a charge-succeeded for the order's received charge command whatever its payment's
   * state, as a stray or late reply would arrive; returns its message id.
   */
  async replyCharged(orderId: string): Promise<string> {
    const [charge] = await this.waitForCommand(orderId, paymentChargeRequestedV1.name)
    const command = charge!.payload as unknown as ChargeCommand
    return this.reply(paymentChargeSucceededV1.name, {
      orderId,
      userId: command.userId,
      sellerId: command.sellerId,
      amount: command.amount,
      paymentId: randomUUID(),
      method: command.method,
      paidAt: new Date().toISOString(),
    })
  }

  /** The distinct message ids of the replies published for the order. */
  replyIdsFor(orderId: string): string[] {
    return [...new Set(this.replies.filter((r) => r.orderId === orderId).map((r) => r.messageId))]
  }

  commandsFor(orderId: string, name?: string): ReceivedCommand[] {
    return this.commands.filter((c) => c.payload.orderId === orderId && (!name || c.name === name))
  }

  /** Waits until `count` commands named `name` for the order arrived. */
  async waitForCommand(orderId: string, name: string, count = 1, timeoutMs = 10_000) {
    await waitUntil(() => this.commandsFor(orderId, name).length >= count, {
      timeoutMs,
      message: `${count} ${name} for ${orderId}`,
    })
    return this.commandsFor(orderId, name)
  }

  async stop(): Promise<void> {
    await this.connection.close().catch(() => {})
  }

  private async receive(envelope: { id: string; name: string; payload: never }): Promise<void> {
    this.commands.push({ name: envelope.name, messageId: envelope.id, payload: envelope.payload })
    if (envelope.name === paymentChargeRequestedV1.name) {
      const command = envelope.payload as ChargeCommand
      const existing = this.payments.get(command.orderId)
      if (existing) return this.answerCurrent(command, existing)
      const answer = this.answers.get(command.orderId) ?? this.options.charge?.(command) ?? 'hold'
      if (answer === 'hold') this.held.set(command.orderId, command)
      else await this.charge(command, answer)
    } else {
      const command = envelope.payload as RefundCommand
      if (this.options.refund === false) this.heldRefunds.set(command.orderId, command)
      else await this.refund(command)
    }
  }

  private async charge(command: ChargeCommand, answer: Exclude<ChargeAnswer, 'hold'>): Promise<void> {
    const paymentId = randomUUID()
    if (answer === 'succeed')
      this.payments.set(command.orderId, {
        state: 'CHARGED',
        paymentId,
        amount: command.amount,
        paidAt: new Date().toISOString(),
      })
    else this.payments.set(command.orderId, { state: answer === 'fail' ? 'FAILED' : 'WAITING', paymentId })
    await this.answerCurrent(command, this.payments.get(command.orderId)!)
  }

  /** The payment's outcome as the reply to a charge command. */
  private async answerCurrent(command: ChargeCommand, payment: Payment): Promise<void> {
    const base = { orderId: command.orderId, userId: command.userId }
    switch (payment.state) {
      case 'CHARGED':
        return this.send(paymentChargeSucceededV1, {
          ...base,
          sellerId: command.sellerId,
          amount: payment.amount,
          paymentId: payment.paymentId,
          method: command.method,
          paidAt: payment.paidAt,
        })
      case 'WAITING':
        return this.send(paymentApprovalRequiredV1, {
          ...base,
          paymentId: payment.paymentId,
          redirectUrl: `https://pg.example/approve/${payment.paymentId}`,
          payBy: command.payBy,
        })
      default:
        return this.send(paymentChargeFailedV1, {
          ...base,
          paymentId: payment.paymentId,
          code: payment.state === 'FAILED' ? 'INSUFFICIENT_BALANCE' : 'ORDER_VOIDED',
          message: payment.state === 'FAILED' ? 'not enough in the wallet' : 'the order was voided',
          failedAt: new Date().toISOString(),
        })
    }
  }

  private async refund(command: RefundCommand): Promise<void> {
    const current = this.payments.get(command.orderId)
    let settled: Payment
    if (current?.state === 'CHARGED')
      settled = { state: 'REFUNDED', paymentId: current.paymentId, amount: current.amount }
    else if (current?.state === 'REFUNDED' || current?.state === 'VOIDED') settled = current
    else settled = { state: 'VOIDED', paymentId: current?.paymentId ?? null, amount: 0 }
    this.payments.set(command.orderId, settled)
    this.held.delete(command.orderId)
    const s = settled as Extract<Payment, { state: 'REFUNDED' | 'VOIDED' }>
    await this.send(paymentRefundCompletedV1, {
      orderId: command.orderId,
      userId: command.userId,
      paymentId: s.paymentId,
      outcome: s.state,
      refundedAmount: s.amount,
      reason: command.reason,
      completedAt: new Date().toISOString(),
    })
  }

  private async send(definition: { name: string; payload: { parse(v: unknown): unknown } }, payload: object) {
    definition.payload.parse(payload)
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs))
    const id = await this.reply(definition.name, payload)
    if (this.options.duplicate) {
      await this.reply(definition.name, payload, id)
      await this.reply(definition.name, payload)
    }
  }
}
