// Auth's signing keys, as the gateway knows them: fetched at start, refreshed periodically (so a
// retired key stops verifying), and refetched on an unknown `kid` at most once per cooldown (so a
// flood of made-up kids cannot hammer auth).
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'

export interface JwksStoreOptions {
  load: () => Promise<JSONWebKeySet>
  refreshIntervalMs: number
  unknownKidCooldownMs: number
  onError: (error: unknown) => void
}

export class JwksStore {
  #keys: JWTVerifyGetKey | undefined
  #kids = new Set<string>()
  #lastLoadAt = Number.NEGATIVE_INFINITY
  #loading: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(private readonly options: JwksStoreOptions) {}

  get loaded(): boolean {
    return this.#keys !== undefined
  }

  hasKid(kid: string | undefined): boolean {
    return kid !== undefined && this.#kids.has(kid)
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

  /** The key lookup `jwtVerify` uses; throws JWKSNoMatchingKey for a kid it does not know. */
  readonly getKey: JWTVerifyGetKey = (header, token) => {
    if (!this.#keys) throw new errors.JWKSNoMatchingKey()
    return this.#keys(header, token)
  }

  async #load(): Promise<void> {
    this.#lastLoadAt = Date.now()
    const jwks = await this.options.load()
    this.#keys = createLocalJWKSet(jwks)
    this.#kids = new Set(
      jwks.keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string'),
    )
  }
}
