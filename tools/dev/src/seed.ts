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
  log: (msg: string) => void
}

async function call(ctx: SeedContext, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${ctx.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
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

export async function seedDemoData(ctx: SeedContext): Promise<DemoLogin[]> {
  const admin = await call(ctx, 'POST', '/api/auth/login', ctx.admin)
  if (admin.status !== 200)
    throw new Error(`admin login failed (${admin.status}): check ADMIN_EMAIL/ADMIN_PASSWORD`)
  await ensureAccount(ctx, DEMO_ACCOUNTS.buyer.email, DEMO_ACCOUNTS.buyer.name)
  const sellerToken = await ensureAccount(ctx, DEMO_ACCOUNTS.seller.email, DEMO_ACCOUNTS.seller.name)
  await ensureSeller(ctx, sellerToken, admin.body.accessToken as string)
  return [
    { role: 'admin', ...ctx.admin },
    { role: 'seller', email: DEMO_ACCOUNTS.seller.email, password: DEMO_PASSWORD },
    { role: 'buyer', email: DEMO_ACCOUNTS.buyer.email, password: DEMO_PASSWORD },
  ]
}
