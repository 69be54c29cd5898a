// Demo data, created through the public API exactly as a user would: accounts are signed up,
// verified from the mail sink, and the seller is approved by the admin. Running it again finds
// the accounts already there and changes nothing.
export interface DemoLogin {
  role: string
  email: string
  password: string
}

export const DEMO_PASSWORD = 'demo-password-1234'

export const DEMO_ACCOUNTS = {
  buyer: { email: 'buyer@deals.local', name: 'Demo Buyer' },
  seller: { email: 'seller@deals.local', name: 'Demo Seller' },
} as const

interface SeedContext {
  gatewayUrl: string
  mailSinkUrl: string
  admin: { email: string; password: string }
  /** The services that were started; parts of the seed for absent ones are skipped. */
  services: readonly string[]
  log: (msg: string) => void
}

async function call(
  ctx: SeedContext,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${ctx.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

async function verificationLink(ctx: SeedContext, email: string): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const res = await fetch(`${ctx.mailSinkUrl}/messages?to=${encodeURIComponent(email)}`)
    const messages = (await res.json()) as { text?: string }[]
    const link = messages
      .map((m) => /https?:\/\/\S+\/verify\?token=[\w-]+/.exec(m.text ?? '')?.[0])
      .find(Boolean)
    if (link) return link
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`no verification mail reached the mail sink for ${email}`)
}

async function ensureAccount(ctx: SeedContext, email: string, name: string): Promise<string> {
  const login = await call(ctx, 'POST', '/api/auth/login', { email, password: DEMO_PASSWORD })
  if (login.status === 200) return login.body.accessToken as string
  const signup = await call(ctx, 'POST', '/api/auth/signup', { email, password: DEMO_PASSWORD, name })
  if (signup.status !== 201 && signup.status !== 409)
    throw new Error(`signup of ${email} failed: ${signup.status}`)
  const link = new URL(await verificationLink(ctx, email))
  const verified = await call(ctx, 'GET', `/api/auth/verify${link.search}`)
  if (verified.status !== 200) throw new Error(`verification of ${email} failed: ${verified.status}`)
  const again = await call(ctx, 'POST', '/api/auth/login', { email, password: DEMO_PASSWORD })
  if (again.status !== 200) throw new Error(`login of ${email} failed: ${again.status}`)
  ctx.log(`created ${email}`)
  return again.body.accessToken as string
}

async function ensureSeller(ctx: SeedContext, sellerToken: string, adminToken: string): Promise<void> {
  const mine = await call(ctx, 'GET', '/api/auth/me', undefined, sellerToken)
  if ((mine.body.roles as string[] | undefined)?.includes('SELLER')) return
  const applied = await call(
    ctx,
    'POST',
    '/api/auth/seller-applications',
    { companyName: 'Demo Market Co.', businessNumber: '220-81-62517' },
    sellerToken,
  )
  let applicationId = applied.body.id as string | undefined
  if (applied.status === 409) {
    const existing = await call(ctx, 'GET', '/api/auth/seller-applications/me', undefined, sellerToken)
    applicationId = (existing.body.id as string | undefined) ?? undefined
  } else if (applied.status !== 201) throw new Error(`seller application failed: ${applied.status}`)
  if (!applicationId) throw new Error('no seller application to approve')
  const approved = await call(
    ctx,
    'POST',
    `/api/auth/admin/seller-applications/${applicationId}/approve`,
    {},
    adminToken,
  )
  if (approved.status !== 200 && approved.status !== 409)
    throw new Error(`approval failed: ${approved.status}`)
  ctx.log('approved the demo seller')
}

const DEMO_MARKETS = [
  { name: '광장시장', address: '서울 종로구 창경궁로 88', lat: 37.5701, lng: 126.9996 },
  { name: '망원시장', address: '서울 마포구 포은로8길 14', lat: 37.5559, lng: 126.9063 },
  { name: '통인시장', address: '서울 종로구 자하문로15길 18', lat: 37.5806, lng: 126.9698 },
]

const DEMO_PRODUCTS = [
  {
    name: '유기농 사과 5kg',
    description: '경북 청송 산지 직송',
    price: 39000,
    dealPrice: 19900,
    queueRequired: true,
  },
  {
    name: '제주 감귤 3kg',
    description: '새콤달콤 노지 감귤',
    price: 25000,
    dealPrice: 12900,
    queueRequired: false,
  },
  {
    name: '햇 고구마 10kg',
    description: '해남 황토 꿀고구마',
    price: 32000,
    dealPrice: 17900,
    queueRequired: false,
  },
]

/** Markets (admin), a category, products and time deals (seller): skipped when the seller already has deals. */
async function ensureCatalog(ctx: SeedContext, sellerToken: string, adminToken: string): Promise<void> {
  const nearby = await call(
    ctx,
    'GET',
    '/api/catalog/markets/nearby?lat=37.57&lng=126.98&radiusKm=20',
    undefined,
    adminToken,
  )
  if (((nearby.body.items as unknown[] | undefined) ?? []).length === 0) {
    for (const market of DEMO_MARKETS) {
      const created = await call(ctx, 'POST', '/api/catalog/markets', market, adminToken)
      if (created.status !== 201) throw new Error(`market ${market.name} failed: ${created.status}`)
    }
    ctx.log(`created ${DEMO_MARKETS.length} markets`)
  }
  const deals = await call(ctx, 'GET', '/api/catalog/seller/deals', undefined, sellerToken)
  if (deals.status !== 200) throw new Error(`listing the seller's deals failed: ${deals.status}`)
  if (((deals.body.items as unknown[] | undefined) ?? []).length > 0) return

  const categories = await call(ctx, 'GET', '/api/catalog/categories')
  let category = ((categories.body.items as { id: string; slug: string }[] | undefined) ?? []).find(
    (c) => c.slug === 'fruit-vegetables',
  )
  if (!category) {
    const created = await call(
      ctx,
      'POST',
      '/api/catalog/categories',
      { slug: 'fruit-vegetables', name: '과일·채소' },
      adminToken,
    )
    if (created.status !== 201) throw new Error(`category failed: ${created.status}`)
    category = created.body as unknown as { id: string; slug: string }
  }
  // The first deal opens two minutes after start-up, so the waiting room can be tried at once.
  const startsAt = new Date(Math.ceil((Date.now() + 120_000) / 60_000) * 60_000)
  for (const [i, product] of DEMO_PRODUCTS.entries()) {
    const createdProduct = await call(
      ctx,
      'POST',
      '/api/catalog/products',
      { name: product.name, description: product.description, price: product.price, categoryId: category.id },
      sellerToken,
    )
    if (createdProduct.status !== 201)
      throw new Error(`product ${product.name} failed: ${createdProduct.status}`)
    const dealStart = new Date(startsAt.getTime() + i * 3600_000)
    const deal = await call(
      ctx,
      'POST',
      '/api/catalog/deals',
      {
        productId: createdProduct.body.id,
        dealPrice: product.dealPrice,
        quantity: 100,
        perUserLimit: 1,
        startsAt: dealStart.toISOString(),
        endsAt: new Date(dealStart.getTime() + 2 * 3600_000).toISOString(),
        queueRequired: product.queueRequired,
      },
      sellerToken,
    )
    if (deal.status !== 201)
      throw new Error(`deal on ${product.name} failed: ${deal.status} ${JSON.stringify(deal.body)}`)
  }
  ctx.log(
    `created ${DEMO_PRODUCTS.length} products with time deals (the first opens at ${startsAt.toISOString()})`,
  )
}

/** Whole won the demo buyer's wallet starts with. */
const DEMO_WALLET_TOP_UP = 1_000_000

/**
 * Tops up the demo buyer's wallet once: the fixed Idempotency-Key makes a second run replay the
 * first top-up instead of adding another.
 */
async function ensureWallet(ctx: SeedContext, buyerToken: string): Promise<void> {
  const res = await call(
    ctx,
    'POST',
    '/api/payments/wallet/charge',
    { amount: DEMO_WALLET_TOP_UP },
    buyerToken,
    {
      'idempotency-key': 'demo-seed-wallet-top-up',
    },
  )
  if (res.status !== 200) throw new Error(`wallet top-up of the demo buyer failed: ${res.status}`)
  ctx.log(`demo buyer's wallet topped up to ${res.body.balance} won`)
}

export async function seedDemoData(ctx: SeedContext): Promise<DemoLogin[]> {
  const admin = await call(ctx, 'POST', '/api/auth/login', ctx.admin)
  if (admin.status !== 200)
    throw new Error(`admin login failed (${admin.status}): check ADMIN_EMAIL/ADMIN_PASSWORD`)
  const buyerToken = await ensureAccount(ctx, DEMO_ACCOUNTS.buyer.email, DEMO_ACCOUNTS.buyer.name)
  const sellerToken = await ensureAccount(ctx, DEMO_ACCOUNTS.seller.email, DEMO_ACCOUNTS.seller.name)
  await ensureSeller(ctx, sellerToken, admin.body.accessToken as string)
  // A fresh login: the token from before the approval does not carry the SELLER role.
  const seller = await call(ctx, 'POST', '/api/auth/login', {
    email: DEMO_ACCOUNTS.seller.email,
    password: DEMO_PASSWORD,
  })
  if (seller.status !== 200) throw new Error(`seller login failed: ${seller.status}`)
  if (ctx.services.includes('catalog'))
    await ensureCatalog(ctx, seller.body.accessToken as string, admin.body.accessToken as string)
  if (ctx.services.includes('payment')) await ensureWallet(ctx, buyerToken)
  return [
    { role: 'admin', ...ctx.admin },
    { role: 'seller', email: DEMO_ACCOUNTS.seller.email, password: DEMO_PASSWORD },
    { role: 'buyer', email: DEMO_ACCOUNTS.buyer.email, password: DEMO_PASSWORD },
  ]
}
