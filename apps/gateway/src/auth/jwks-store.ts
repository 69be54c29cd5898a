// Auth's signing keys, as the gateway knows them: fetched at start, refreshed periodically (so a
// retired key stops verifying), and refetched on an unknown `kid` at most once per cooldown (so a
// flood of made-up kids cannot hammer auth). Each key is kept as the PEM the verifier takes.
import { createPublicKey, type JsonWebKey } from 'node:crypto'

export interface JSONWebKeySet {
  keys: (JsonWebKey & { kid?: string })[]
}

export interface JwksStoreOptions {
  load: () => Promise<JSONWebKeySet>
  refreshIntervalMs: number
  unknownKidCooldownMs: number
  onError: (error: unknown) => void
}

export class JwksStore {
  #keys: Map<string, string> | undefined
  #lastLoadAt = Number.NEGATIVE_INFINITY
  #loading: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(private readonly options: JwksStoreOptions) {}

  get loaded(): boolean {
    return this.#keys !== undefined
  }

  hasKid(kid: string | undefined): boolean {
    return kid !== undefined && this.#keys?.has(kid) === true
  }

  /** The public key (PEM) published under `kid`, if auth publishes one. */
  keyFor(kid: string): string | undefined {
    return this.#keys?.get(kid)
  }

  /** Loads now unless a load is already running, in which case it waits for that one. */
  reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  /** Reloads when the cooldown allows it; true when the key set may have changed. */
  async reloadForUnknownKid(): Promise<boolean> {
    if (this.#loading) {
      await this.#loading
      return true
    }
    if (Date.now() - this.#lastLoadAt < this.options.unknownKidCooldownMs) return false
    await this.reload()
    return true
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.reload().catch(this.options.onError)
    }, this.options.refreshIntervalMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  async #load(): Promise<void> {
    this.#lastLoadAt = Date.now()
    const jwks = await this.options.load()
    const keys = new Map<string, string>()
    for (const { kid, ...jwk } of jwks.keys) {
      // Only signing keys of the one algorithm tokens may use; anything else is not a key here.
      if (typeof kid !== 'string' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') continue
      keys.set(
        kid,
        createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string,
      )
    }
    this.#keys = keys
  }
}
