// The contract every service and the gateway program against, whichever registry sits behind it
// (Consul in docker-compose and Kubernetes, a static list from the environment here).

export interface ServiceRegistration {
  service: string
  /** Unique per instance; defaults to `<service>-<address>-<port>`, stable across restarts. */
  id?: string
  address: string
  port: number
  /** Path Consul's HTTP check polls; defaults to `/readyz` so an unready instance gets no traffic. */
  healthCheckPath?: string
  tags?: string[]
}

export interface Instance {
  id: string
  service: string
  address: string
  port: number
  tags: string[]
  /** Base URL to forward to, without a trailing slash. */
  url: string
}

export type InstancesListener = (instances: Instance[]) => void

/** Pino-compatible: a pino logger fits as it is. */
export interface DiscoveryLogger {
  info(obj: object, msg: string): void
  warn?(obj: object, msg: string): void
}

export interface Discovery {
  readonly kind: 'consul' | 'static'
  register(instance: ServiceRegistration): Promise<void>
  /** Deregisters every instance this object registered; called on graceful shutdown. */
  deregister(): Promise<void>
  /** Healthy instances of a service, from a cache kept fresh in the background. */
  resolve(service: string): Promise<Instance[]>
  /** One healthy instance, round-robin; throws ServiceUnavailableError when there is none. */
  pick(service: string): Promise<Instance>
  /** Calls `onChange` with the initial healthy set, then whenever it changes. Returns an unsubscribe. */
  watch(service: string, onChange: InstancesListener): () => void
  /** Stops every watch and releases connections. */
  close(): Promise<void>
}
