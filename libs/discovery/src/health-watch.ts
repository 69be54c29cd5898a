// Keeps the healthy instances of one service fresh through Consul blocking queries, so a routing
// decision never waits on Consul once the first answer is in.
//
// It drives the client's own `Watch` (long-polls `/v1/health/service/:name?passing=true&index=&wait=`,
// backs off exponentially on errors, aborts the in-flight request on `end()`) rather than a hand-written
// loop. The Watch gives up for good on a 400 or on a reply without `X-Consul-Index`; this class then
// starts a fresh one after `backoffMaxMs`, because a gateway must not go blind until it is restarted.
import type Consul from 'consul'
import { z } from 'zod'
import type { DiscoveryLogger, Instance, InstancesListener } from './discovery.ts'
import { instanceUrl } from './instance-url.ts'
import { ServiceUnavailableError } from './service-unavailable-error.ts'

export interface HealthWatchOptions {
  /** How long Consul may hold each blocking query (`wait=`), as a Consul duration. */
  wait: string
  /** First retry after an error waits 2 x this; each further one doubles, up to `backoffMaxMs`. */
  backoffFactorMs: number
  backoffMaxMs: number
}

type ConsulWatch = ReturnType<Consul['watch']>

const healthEntries = z.array(
  z.object({
    Node: z.object({ Address: z.string().default('') }).default({ Address: '' }),
    Service: z.object({
      ID: z.string(),
      Service: z.string(),
      Address: z.string().default(''),
      Port: z.number().int(),
      Tags: z.array(z.string()).nullish(),
    }),
  }),
)

function toInstances(data: unknown): Instance[] {
  return healthEntries
    .parse(data)
    .map(({ Node, Service }) => {
      // Consul leaves the service address empty when the service listens on its node's address.
      const address = Service.Address || Node.Address
      return {
        id: Service.ID,
        service: Service.Service,
        address,
        port: Service.Port,
        tags: Service.Tags ?? [],
        url: instanceUrl(address, Service.Port),
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}

interface Waiter {
  resolve(instances: Instance[]): void
  reject(error: Error): void
}

export class HealthWatch {
  #instances: Instance[] | undefined
  #lastError: Error | undefined
  #watch: ConsulWatch | undefined
  #restartTimer: NodeJS.Timeout | undefined
  #stopped = false
  readonly #waiters: Waiter[] = []
  readonly #listeners = new Set<InstancesListener>()

  constructor(
    private readonly consul: Consul,
    private readonly service: string,
    private readonly options: HealthWatchOptions,
    private readonly logger: DiscoveryLogger,
  ) {
    this.#start()
  }

  /**
   * The healthy instances: from the cache once the first answer is in (even while Consul is
   * erroring, the last known set is better than none); before that, the first answer or error.
   */
  current(): Promise<Instance[]> {
    if (this.#instances !== undefined) return Promise.resolve(this.#instances)
    if (this.#lastError !== undefined) return Promise.reject(this.#unavailable(this.#lastError))
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  subscribe(listener: InstancesListener): () => void {
    this.#listeners.add(listener)
    const known = this.#instances
    if (known !== undefined) queueMicrotask(() => this.#listeners.has(listener) && listener(known))
    return () => {
      this.#listeners.delete(listener)
    }
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#restartTimer)
    this.#watch?.end()
    this.#listeners.clear()
    this.#settleWaiters((waiter) => waiter.reject(new Error(`watch of "${this.service}" stopped`)))
  }

  #start(): void {
    const watch = this.consul.watch({
      method: this.consul.health.service,
      options: { service: this.service, passing: 'true', wait: this.options.wait },
      backoffFactor: this.options.backoffFactorMs,
      backoffMax: this.options.backoffMaxMs,
    })
    this.#watch = watch
    watch.on('change', (data: unknown) => this.#onAnswer(data))
    watch.on('error', (error: Error) => this.#onError(error))
    watch.on('end', () => {
      if (this.#stopped) return
      this.logger.warn?.({ service: this.service }, 'Consul watch ended; starting a new one')
      this.#restartTimer = setTimeout(() => this.#start(), this.options.backoffMaxMs)
    })
  }

  #onAnswer(data: unknown): void {
    let instances: Instance[]
    try {
      instances = toInstances(data)
    } catch (error) {
      this.#onError(new Error('unexpected Consul health answer', { cause: error }))
      return
    }
    this.#lastError = undefined
    const changed = JSON.stringify(instances) !== JSON.stringify(this.#instances)
    this.#instances = instances
    this.#settleWaiters((waiter) => waiter.resolve(instances))
    if (!changed) return
    this.logger.info(
      { service: this.service, instances: instances.map((instance) => instance.url) },
      'healthy instances changed',
    )
    for (const listener of this.#listeners) listener(instances)
  }

  #onError(error: Error): void {
    this.#lastError = error
    this.logger.warn?.(
      { service: this.service, err: error },
      'Consul health query failed; retrying with backoff',
    )
    const unavailable = this.#unavailable(error)
    this.#settleWaiters((waiter) => waiter.reject(unavailable))
  }

  #unavailable(error: Error): ServiceUnavailableError {
    return new ServiceUnavailableError(this.service, `Consul did not answer: ${error.message}`, {
      cause: error,
    })
  }

  #settleWaiters(settle: (waiter: Waiter) => void): void {
    for (const waiter of this.#waiters.splice(0)) settle(waiter)
  }
}
