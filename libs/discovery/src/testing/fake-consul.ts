// A test double of the slice of Consul's HTTP API that ConsulDiscovery uses, with real blocking-query
// behaviour, so discovery (and the gateway on top of it) is tested over HTTP without a Consul agent.
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type CheckStatus = 'passing' | 'warning' | 'critical'

export interface FakeConsulService {
  id: string
  name: string
  address: string
  port: number
  tags: string[]
  /** Check definitions exactly as received (Consul's PascalCase: `HTTP`, `Interval`, ...). */
  checks: Record<string, unknown>[]
  status: CheckStatus
}

export interface FakeConsul {
  /** Base URL to give as CONSUL_URL, e.g. `http://127.0.0.1:41234`. */
  url: string
  port: number
  /** Registered services, in registration order. */
  services(): FakeConsulService[]
  /** Sets the status of every check of a service instance; wakes the blocking queries on its name. */
  setHealth(serviceId: string, status: CheckStatus): void
  /** Every request answers this HTTP status until called with `undefined`; held queries fail at once. */
  failWith(status: number | undefined): void
  /** How many blocking queries are being held right now (a watch parked on Consul shows here). */
  heldQueries(): number
  /** Drops every connection (held queries fail), then listens again on the same port, state kept. */
  restart(): Promise<void>
  close(): Promise<void>
}

interface HeldQuery {
  service: string
  answer(): void
  timer: NodeJS.Timeout
}

const MAX_WAIT_MS = 10 * 60_000
const DEFAULT_WAIT_MS = 5 * 60_000
const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

function parseWait(value: string | null): number | undefined {
  if (value === null || value === '') return DEFAULT_WAIT_MS
  const match = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(value)
  if (!match) return undefined
  return Math.min(Number(match[1]) * DURATION_UNITS_MS[match[2]!]!, MAX_WAIT_MS)
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text === '' ? undefined : JSON.parse(text)
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'
  response.writeHead(status, { 'content-type': type, ...headers }).end(text)
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

class FakeConsulServer implements FakeConsul {
  url = ''
  port = 0
  #server: Server | undefined
  #failure: number | undefined
  #lastIndex = 1
  readonly #services = new Map<string, FakeConsulService>()
  /** Raft-like modify index per service name: what `X-Consul-Index` reports and `?index=` waits past. */
  readonly #indexes = new Map<string, number>()
  readonly #held = new Set<HeldQuery>()

  async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, `fake consul: ${(error as Error).message}`)
      })
    })
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    this.#server = server
    this.port = (server.address() as AddressInfo).port
    this.url = `http://127.0.0.1:${this.port}`
  }

  services(): FakeConsulService[] {
    return [...this.#services.values()].map((service) => structuredClone(service))
  }

  setHealth(serviceId: string, status: CheckStatus): void {
    const service = this.#services.get(serviceId)
    if (service === undefined) throw new Error(`fake consul: no service with id "${serviceId}"`)
    service.status = status
    this.#touch(service.name)
  }

  heldQueries(): number {
    return this.#held.size
  }

  failWith(status: number | undefined): void {
    this.#failure = status
    if (status !== undefined) for (const held of [...this.#held]) held.answer()
  }

  async restart(): Promise<void> {
    await this.#stop()
    await this.listen(this.port)
  }

  close(): Promise<void> {
    return this.#stop()
  }

  async #stop(): Promise<void> {
    for (const held of this.#held) clearTimeout(held.timer)
    this.#held.clear()
    const server = this.#server
    if (server === undefined) return
    this.#server = undefined
    const closed = once(server, 'close')
    server.close()
    server.closeAllConnections()
    await closed
  }

  #touch(name: string): void {
    this.#lastIndex += 1
    this.#indexes.set(name, this.#lastIndex)
    for (const held of [...this.#held]) if (held.service === name) held.answer()
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake-consul')
    if (this.#failure !== undefined) return send(response, this.#failure, 'fake consul: failing on purpose')
    const deregister = /^\/v1\/agent\/service\/deregister\/([^/]+)$/.exec(url.pathname)
    const health = /^\/v1\/health\/service\/([^/]+)$/.exec(url.pathname)
    if (request.method === 'PUT' && url.pathname === '/v1/agent/service/register') {
      return this.#register(asRecord(await readJson(request)), response)
    }
    if (request.method === 'PUT' && deregister)
      return this.#deregister(decodeURIComponent(deregister[1]!), response)
    if (request.method === 'GET' && health) return this.#health(decodeURIComponent(health[1]!), url, response)
    send(response, 404, `fake consul: ${request.method} ${url.pathname} is not implemented`)
  }

  #register(body: Record<string, unknown>, response: ServerResponse): void {
    const name = body.Name
    if (typeof name !== 'string' || name === '') return send(response, 400, 'Missing service name')
    const checks = [body.Check, ...(Array.isArray(body.Checks) ? body.Checks : [])]
      .filter((check) => check !== undefined && check !== null)
      .map(asRecord)
    const declared = checks.map((check) => check.Status).find((status) => typeof status === 'string')
    const id = typeof body.ID === 'string' && body.ID !== '' ? body.ID : name
    const previous = this.#services.get(id)
    if (previous !== undefined && previous.name !== name) this.#touch(previous.name)
    this.#services.set(id, {
      id,
      name,
      address: typeof body.Address === 'string' ? body.Address : '',
      port: typeof body.Port === 'number' ? body.Port : 0,
      tags: Array.isArray(body.Tags) ? body.Tags.map(String) : [],
      checks,
      // A real agent runs the check at once; the double assumes it passed unless told otherwise.
      status: (declared as CheckStatus | undefined) ?? 'passing',
    })
    this.#touch(name)
    send(response, 200, '')
  }

  #deregister(id: string, response: ServerResponse): void {
    const service = this.#services.get(id)
    if (service === undefined) return send(response, 404, `Unknown service ID "${id}"`)
    this.#services.delete(id)
    this.#touch(service.name)
    send(response, 200, '')
  }

  #health(name: string, url: URL, response: ServerResponse): void {
    const rawIndex = url.searchParams.get('index')
    const since = rawIndex === null || rawIndex === '' ? 0 : Number(rawIndex)
    const wait = parseWait(url.searchParams.get('wait'))
    if (!Number.isSafeInteger(since) || since < 0) return send(response, 400, 'Invalid index')
    if (wait === undefined) return send(response, 400, 'Invalid wait time')
    const answer = () => this.#answerHealth(name, url, response)
    if (since === 0 || this.#indexOf(name) > since) return answer()
    const held: HeldQuery = {
      service: name,
      timer: setTimeout(() => held.answer(), wait),
      answer: () => {
        clearTimeout(held.timer)
        this.#held.delete(held)
        answer()
      },
    }
    this.#held.add(held)
    response.on('close', () => {
      clearTimeout(held.timer)
      this.#held.delete(held)
    })
  }

  #answerHealth(name: string, url: URL, response: ServerResponse): void {
    if (this.#failure !== undefined) return send(response, this.#failure, 'fake consul: failing on purpose')
    const passingParam = url.searchParams.get('passing')
    const passingOnly = passingParam !== null && passingParam !== 'false' && passingParam !== '0'
    const tag = url.searchParams.get('tag')
    const entries = [...this.#services.values()]
      .filter((service) => service.name === name)
      .filter((service) => !passingOnly || service.status === 'passing')
      .filter((service) => tag === null || service.tags.includes(tag))
      .map((service) => ({
        Node: { ID: 'fake-node', Node: 'fake-consul', Address: '127.0.0.1', Datacenter: 'dc1' },
        Service: {
          ID: service.id,
          Service: service.name,
          Tags: service.tags,
          Address: service.address,
          Port: service.port,
        },
        Checks: service.checks.map((check, position) => ({
          Node: 'fake-consul',
          CheckID:
            typeof check.CheckID === 'string' ? check.CheckID : `service:${service.id}:${position + 1}`,
          Name: typeof check.Name === 'string' ? check.Name : `Service '${service.name}' check`,
          Status: service.status,
          ServiceID: service.id,
          ServiceName: service.name,
        })),
      }))
    send(response, 200, entries, { 'x-consul-index': String(this.#indexOf(name)) })
  }

  #indexOf(name: string): number {
    return this.#indexes.get(name) ?? 1
  }
}

/** Starts the double on 127.0.0.1 (port 0 by default: a free one). Close it in `after`. */
export async function startFakeConsul(options: { port?: number } = {}): Promise<FakeConsul> {
  const fake = new FakeConsulServer()
  await fake.listen(options.port ?? 0)
  return fake
}
