// Registers the service with discovery once it listens and deregisters it before draining,
// so no new traffic is routed to an instance that is shutting down. Also lets the service
// resolve the others (`app.discovery.pick('auth')`).
import fp from 'fastify-plugin'
import type { AddressInfo } from 'node:net'
import { createDiscovery, type Discovery } from '@deals/discovery'

declare module 'fastify' {
  interface FastifyInstance {
    discovery: Discovery
    /** Settles once this instance's registration finished (or failed and was logged). */
    discoveryRegistration(): Promise<void>
  }
}

export interface DiscoveryPluginOptions {
  service: string
  env?: Record<string, string | undefined>
  /** The address other processes reach this one at; defaults to ADVERTISED_HOST, then the bound host. */
  advertisedHost?: string
  /** Use an existing discovery (tests, or a gateway that shares one) instead of creating one. */
  discovery?: Discovery
}

export const discoveryPlugin = fp<DiscoveryPluginOptions>(
  async (app, { service, env = process.env, advertisedHost, discovery: given }) => {
    const discovery = given ?? createDiscovery({ env, logger: app.log })
    app.decorate('discovery', discovery)
    // Fastify does not wait for onListen hooks, so the registration is kept to be awaited
    // by whoever needs it done (shutdown, tests) instead of blocking start-up on Consul.
    let registration: Promise<void> = Promise.resolve()
    app.decorate('discoveryRegistration', () => registration)
    app.addHook('onListen', async () => {
      const address = app.server.address() as AddressInfo
      const host =
        advertisedHost ??
        env.ADVERTISED_HOST ??
        (address.address === '0.0.0.0' ? '127.0.0.1' : address.address)
      registration = discovery.register({ service, address: host, port: address.port }).then(
        () => {
          if (discovery.kind === 'consul')
            app.log.info({ service, host, port: address.port }, 'registered with Consul')
        },
        (err: Error) => app.log.error({ err: err.message }, 'registration with discovery failed'),
      )
    })
    app.addHook('preClose', async () => {
      await registration
      await discovery
        .deregister()
        .catch((err: Error) => app.log.warn({ err: err.message }, 'deregistration failed'))
    })
    app.addHook('onClose', async () => {
      if (!given) await discovery.close()
    })
  },
  { name: 'discovery', fastify: '5.x' },
)
