// Announces a deal the way the catalog does, by publishing its snapshot event, so a check can
// run the order service (which keeps its copy of deals from these events) without the catalog.
import { randomUUID } from 'node:crypto'
import amqp from 'amqplib'

export interface AnnouncedDeal {
  dealId: string
  sellerId: string
  productId: string
  dealPrice: number
  quantity: number
  perUserLimit: number
}

export async function announceDeal(
  amqpUrl: string,
  options: Partial<Pick<AnnouncedDeal, 'dealPrice' | 'quantity' | 'perUserLimit' | 'sellerId'>> = {},
): Promise<AnnouncedDeal> {
  const now = Date.now()
  const deal: AnnouncedDeal = {
    dealId: randomUUID(),
    sellerId: options.sellerId ?? randomUUID(),
    productId: randomUUID(),
    dealPrice: options.dealPrice ?? 9_900,
    quantity: options.quantity ?? 10,
    perUserLimit: options.perUserLimit ?? 1,
  }
  const payload = {
    ...deal,
    version: 1,
    status: 'OPEN',
    storeId: randomUUID(),
    productName: 'Check apples 5kg',
    categoryId: null,
    regularPrice: deal.dealPrice * 2,
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    queueRequired: false,
  }
  const connection = await amqp.connect(amqpUrl)
  try {
    const channel = await connection.createConfirmChannel()
    await channel.assertExchange('domain.events', 'topic', { durable: true })
    const id = randomUUID()
    const name = 'deal.opened.v1'
    const envelope = { id, name, occurredAt: new Date().toISOString(), producer: 'catalog', payload }
    channel.publish('domain.events', name, Buffer.from(JSON.stringify(envelope)), {
      messageId: id,
      type: name,
      persistent: true,
      contentType: 'application/json',
    })
    await channel.waitForConfirms()
  } finally {
    await connection.close()
  }
  return deal
}
