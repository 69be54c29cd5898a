// The discovery connection as a named plugin: Consul when CONSUL_URL is set, else the static
// SERVICE_<NAME>_URL list (the platform's loopback ports by default). Closed with the app.
import fp from 'fastify-plugin'
import { createDiscovery, type Discovery } from '@deals/discovery'
import { DEFAULT_SERVICE_URLS } from '../proxy/route-table.ts'

declare module 'fastify' {
  interface FastifyInstance {
    discovery: Discovery
  }
}

export interface DiscoveryPluginOptions {
  env: Record<string, string | undefined>
}

export const discovery = fp<DiscoveryPluginOptions>(
  async (app, { env }) => {
    const instance = createDiscovery({ env: { ...DEFAULT_SERVICE_URLS, ...env }, logger: app.log })
    app.decorate('discovery', instance)
    app.addHook('onClose', async () => {
      await instance.close()
    })
  },
  { name: 'discovery', fastify: '5.x' },
)
