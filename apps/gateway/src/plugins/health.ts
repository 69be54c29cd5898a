// /healthz says the gateway is alive; /readyz runs the registered dependency checks (Redis, the
// JWKS) and answers 503 while one fails or while the gateway is shutting down. Named `health`
// and shaped like the kit's, so the kit's `redisPlugin` registers its check here.
import fp from 'fastify-plugin'

const CHECK_TIMEOUT_MS = 2_000

async function runCheck(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
      }),
    ])
    return 'ok'
  } catch (error) {
    return (error as Error).message || 'failed'
  } finally {
    clearTimeout(timer)
  }
}

export const health = fp(
  async (app) => {
    const checks = new Map<string, () => Promise<unknown>>()
    let closing = false
    app.decorate(
      'addReadinessCheck',
      (name: string, check: () => Promise<unknown>) => void checks.set(name, check),
    )
    app.addHook('preClose', async () => {
      closing = true
    })
    const quiet = { logLevel: 'warn' as const, config: { rateLimit: false as const } }
    app.get('/healthz', quiet, async () => ({ status: 'ok' }))
    app.get('/readyz', quiet, async (_request, reply) => {
      const entries = await Promise.all(
        [...checks].map(async ([name, check]) => [name, await runCheck(check)] as const),
      )
      const results = Object.fromEntries(entries)
      const ready = !closing && entries.every(([, result]) => result === 'ok')
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : closing ? 'closing' : 'unready', checks: results })
    })
  },
  { name: 'health', fastify: '5.x' },
)
