// A seller's webhooks: register, list, change, delete. Secrets are kept encrypted and never
// returned; another seller's webhook is answered as not found.
import type { FieldCipher } from '@deals/field-cipher'
import { defineError, NotFound } from '@deals/service-kit'
import type { CatalogDb } from '../database.ts'
import { checkWebhookUrl, type WebhookAddressPolicy } from './webhook-address-policy.ts'

export const WebhookLimitReached = defineError(
  'WEBHOOK_LIMIT_REACHED',
  409,
  'This seller already has the most webhooks allowed; delete one first',
)
export const WebhookNotFound = () => NotFound('No such webhook')

type WebhookRow = Awaited<ReturnType<CatalogDb['webhook']['findFirstOrThrow']>>

export interface WebhookView {
  id: string
  url: string
  events: string[]
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface NewWebhook {
  url: string
  secret: string
  events: string[]
}

export type WebhookChange = Partial<NewWebhook & { active: boolean }>

export interface WebhookRegistryOptions extends WebhookAddressPolicy {
  maxPerSeller: number
}

const view = (row: WebhookRow): WebhookView => ({
  id: row.id,
  url: row.url,
  events: row.events,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export class WebhookRegistry {
  constructor(
    private readonly db: CatalogDb,
    private readonly cipher: FieldCipher,
    private readonly options: WebhookRegistryOptions,
  ) {}

  async create(sellerId: string, input: NewWebhook): Promise<WebhookView> {
    const url = await checkWebhookUrl(this.options, input.url)
    const row = await this.db.$transaction(async (tx) => {
      // Serialises a seller's concurrent creations so the limit holds.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`webhooks:${sellerId}`}))`
      const count = await tx.webhook.count({ where: { sellerId, deletedAt: null } })
      if (count >= this.options.maxPerSeller) throw WebhookLimitReached()
      return tx.webhook.create({
        data: {
          sellerId,
          url: url.href,
          secretEnc: this.cipher.encrypt(input.secret),
          events: [...new Set(input.events)],
        },
      })
    })
    return view(row)
  }

  async list(sellerId: string): Promise<WebhookView[]> {
    const rows = await this.db.webhook.findMany({
      where: { sellerId, deletedAt: null },
      orderBy: { createdAt: 'asc' },
    })
    return rows.map(view)
  }

  async get(sellerId: string, id: string): Promise<WebhookView> {
    return view(await this.find(sellerId, id))
  }

  async update(sellerId: string, id: string, change: WebhookChange): Promise<WebhookView> {
    await this.find(sellerId, id)
    const url = change.url === undefined ? undefined : (await checkWebhookUrl(this.options, change.url)).href
    const updated = await this.db.webhook.updateManyAndReturn({
      where: { id, sellerId, deletedAt: null },
      data: {
        ...(url === undefined ? {} : { url }),
        ...(change.secret === undefined ? {} : { secretEnc: this.cipher.encrypt(change.secret) }),
        ...(change.events === undefined ? {} : { events: [...new Set(change.events)] }),
        ...(change.active === undefined ? {} : { active: change.active }),
      },
    })
    if (!updated[0]) throw WebhookNotFound()
    return view(updated[0])
  }

  /** Soft delete: the delivery log stays readable to operators; pending deliveries end FAILED. */
  async remove(sellerId: string, id: string): Promise<void> {
    const { count } = await this.db.webhook.updateMany({
      where: { id, sellerId, deletedAt: null },
      data: { deletedAt: new Date(), active: false },
    })
    if (count === 0) throw WebhookNotFound()
  }

  /** The seller's live webhook, or 404 (also for another seller's). */
  async find(sellerId: string, id: string): Promise<WebhookRow> {
    const row = await this.db.webhook.findFirst({ where: { id, sellerId, deletedAt: null } })
    if (!row) throw WebhookNotFound()
    return row
  }
}
