// Discovery through a Consul agent: registers this process with an HTTP health check, and resolves
// upstreams from Consul's passing instances, cached and refreshed by blocking queries.
import Consul from 'consul'
import type { HealthCheckTimings } from './config.ts'
import type {
  Discovery,
  DiscoveryLogger,
  Instance,
  InstancesListener,
  ServiceRegistration,
} from './discovery.ts'
import { HealthWatch, type HealthWatchOptions } from './health-watch.ts'
import { instanceUrl } from './instance-url.ts'
import { RoundRobin } from './round-robin.ts'

export interface ConsulDiscoveryOptions {
  /** The agent's HTTP API, e.g. `http://127.0.0.1:8500`. */
  url: string
  token?: string
  logger: DiscoveryLogger
  check?: Partial<HealthCheckTimings>
  watch?: Partial<HealthWatchOptions>
}

const defaultCheck: HealthCheckTimings = { interval: '10s', timeout: '5s', deregisterCriticalAfter: '1m' }
const defaultWatch: HealthWatchOptions = { wait: '30s', backoffFactorMs: 100, backoffMaxMs: 10_000 }

export class ConsulDiscovery implements Discovery {
  readonly kind = 'consul'
  readonly #consul: Consul
  readonly #url: string
  readonly #logger: DiscoveryLogger
  readonly #check: HealthCheckTimings
  readonly #watchOptions: HealthWatchOptions
  readonly #registered = new Set<string>()
  readonly #watches = new Map<string, HealthWatch>()
  readonly #roundRobin = new RoundRobin()
  #closed = false

  constructor(options: ConsulDiscoveryOptions) {
    const url = new URL(options.url)
    this.#url = url.origin
    this.#logger = options.logger
    this.#check = { ...defaultCheck, ...options.check }
    this.#watchOptions = { ...defaultWatch, ...options.watch }
    const secure = url.protocol === 'https:'
    this.#consul = new Consul({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      secure,
      ...(options.token === undefined ? {} : { defaults: { token: options.token } }),
    })
    this.#logger.info({ discovery: 'consul', consul: this.#url }, 'service discovery through Consul')
  }

  async register(instance: ServiceRegistration): Promise<void> {
    const id = instance.id ?? `${instance.service}-${instance.address}-${instance.port}`
    const checkUrl = instanceUrl(instance.address, instance.port, instance.healthCheckPath ?? '/readyz')
    try {
      await this.#consul.agent.service.register({
        name: instance.service,
        id,
        address: instance.address,
        port: instance.port,
        tags: instance.tags ?? [],
        check: {
          name: `${instance.service} readiness`,
          http: checkUrl,
          interval: this.#check.interval,
          timeout: this.#check.timeout,
          deregistercriticalserviceafter: this.#check.deregisterCriticalAfter,
        },
      })
    } catch (error) {
      throw new Error(`registering "${id}" with Consul at ${this.#url} failed: ${(error as Error).message}`, {
        cause: error,
      })
    }
    this.#registered.add(id)
    this.#logger.info({ service: instance.service, id, check: checkUrl }, 'registered with Consul')
  }

  async deregister(): Promise<void> {
    const failures: Error[] = []
    for (const id of [...this.#registered]) {
      try {
        await this.#consul.agent.service.deregister(id)
        this.#registered.delete(id)
        this.#logger.info({ id }, 'deregistered from Consul')
      } catch (error) {
        failures.push(error as Error)
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `deregistering from Consul at ${this.#url} failed`)
    }
  }

  async resolve(service: string): Promise<Instance[]> {
    return this.#watchOf(service).current()
  }

  async pick(service: string): Promise<Instance> {
    return this.#roundRobin.pick(service, await this.resolve(service))
  }

  watch(service: string, onChange: InstancesListener): () => void {
    return this.#watchOf(service).subscribe(onChange)
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const watch of this.#watches.values()) watch.stop()
    this.#watches.clear()
    this.#consul.destroy()
  }

  #watchOf(service: string): HealthWatch {
    if (this.#closed) throw new Error('Consul discovery is closed')
    let watch = this.#watches.get(service)
    if (watch === undefined) {
      watch = new HealthWatch(this.#consul, service, this.#watchOptions, this.#logger)
      this.#watches.set(service, watch)
    }
    return watch
  }
}
