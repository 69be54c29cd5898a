// /healthz says the process is alive; /readyz runs every registered dependency check and
// answers 503 while any fails or while the service is shutting down.
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** Connection plugins register how to tell that their dependency is reachable. */
    addReadinessCheck(name: string, check: () => Promise<unknown>): void
  }
}

const CHECK_TIMEOUT_MS = 2_000

export const healthPlugin = fp(
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

    app.get('/healthz', { config: { internalAuth: false }, logLevel: 'warn' }, async () => ({ status: 'ok' }))

    app.get('/readyz', { config: { internalAuth: false }, logLevel: 'warn' }, async (_request, reply) => {
      const results: Record<string, 'ok' | string> = {}
      await Promise.all(
        [...checks].map(async ([name, check]) => {
          let timer: NodeJS.Timeout | undefined
          try {
            await Promise.race([
              check(),
              new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
              }),
            ])
            results[name] = 'ok'
          } catch (err) {
            results[name] = (err as Error).message || 'failed'
          } finally {
            clearTimeout(timer)
          }
        }),
      )
      const ready = !closing && Object.values(results).every((r) => r === 'ok')
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : closing ? 'closing' : 'unready', checks: results })
    })
  },
  { name: 'health', fastify: '5.x' },
)
