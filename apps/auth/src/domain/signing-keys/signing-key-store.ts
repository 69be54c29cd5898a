// ES256 signing keys kept in the database so every replica signs and publishes the same set.
// Each replica caches them for a few seconds; rotation retires the active key (still published
// for one access-token lifetime), revocation drops a key from the JWKS at once.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose'
import { NotFound } from '@deals/service-kit'
import type { FieldCipher } from '@deals/field-cipher'
import type { AuthDb, AuthTx } from '../database.ts'

/** Any number, as long as it is the same across replicas and used for nothing else. */
const KEY_CHANGE_LOCK = 0x6a776b73

/** A public JWK as published in the JWKS. */
export type PublishedKey = { kid: string; kty: string; [member: string]: unknown }

interface KeySet {
  loadedAt: number
  signer: { kid: string; key: CryptoKey | Uint8Array }
  published: PublishedKey[]
}

export interface SigningKeyStoreOptions {
  /** Retired keys stay published this long, so tokens they signed keep verifying. */
  accessTokenTtlSeconds: number
  cacheSeconds: number
}

export class SigningKeyStore {
  private cached: KeySet | undefined
  private loading: Promise<KeySet> | undefined

  constructor(
    private readonly db: AuthDb,
    private readonly cipher: FieldCipher,
    private readonly options: SigningKeyStoreOptions,
  ) {}

  /** Creates the first key if there is none; safe when several replicas start together. */
  async ensureActiveKey(): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', KEY_CHANGE_LOCK)
      const active = await tx.signingKey.count({ where: { status: 'ACTIVE' } })
      if (active === 0) await this.createKey(tx)
    })
    this.cached = undefined
  }

  /** A new active key; the old one is retired but stays in the JWKS for one token lifetime. */
  async rotate(): Promise<{ kid: string }> {
    const kid = await this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', KEY_CHANGE_LOCK)
      await tx.signingKey.updateMany({
        where: { status: 'ACTIVE' },
        data: { status: 'RETIRED', retiredAt: new Date() },
      })
      return this.createKey(tx)
    })
    this.cached = undefined
    return { kid }
  }

  /** Drops a compromised key from the JWKS now; if it was the active one, a new key takes over. */
  async revoke(kid: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', KEY_CHANGE_LOCK)
      const key = await tx.signingKey.findUnique({ where: { kid } })
      if (!key) throw NotFound('No signing key with this kid')
      if (key.status === 'REVOKED') return
      await tx.signingKey.update({ where: { kid }, data: { status: 'REVOKED', revokedAt: new Date() } })
      if (key.status === 'ACTIVE') await this.createKey(tx)
    })
    this.cached = undefined
  }

  async signer() {
    return (await this.keySet()).signer
  }

  async publishedKeys(): Promise<PublishedKey[]> {
    return (await this.keySet()).published
  }

  private async keySet(): Promise<KeySet> {
    const fresh = this.cached && Date.now() - this.cached.loadedAt < this.options.cacheSeconds * 1000
    if (fresh) return this.cached!
    this.loading ??= this.load().finally(() => {
      this.loading = undefined
    })
    return this.loading
  }

  private async load(): Promise<KeySet> {
    const retiredSince = new Date(Date.now() - this.options.accessTokenTtlSeconds * 1000)
    const rows = await this.db.signingKey.findMany({
      where: { OR: [{ status: 'ACTIVE' }, { status: 'RETIRED', retiredAt: { gt: retiredSince } }] },
      orderBy: { createdAt: 'desc' },
    })
    const active = rows.find((r) => r.status === 'ACTIVE')
    if (!active) throw new Error('no active signing key')
    const privateJwk = JSON.parse(this.cipher.decrypt(active.privateJwkEnc)) as JWK
    const set: KeySet = {
      loadedAt: Date.now(),
      signer: { kid: active.kid, key: await importJWK(privateJwk, 'ES256') },
      published: rows.map((r) => r.publicJwk as unknown as PublishedKey),
    }
    this.cached = set
    return set
  }

  private async createKey(tx: AuthTx): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
    const publicJwk = await exportJWK(publicKey)
    const kid = await calculateJwkThumbprint(publicJwk)
    const privateJwk = await exportJWK(privateKey)
    await tx.signingKey.create({
      data: {
        kid,
        status: 'ACTIVE',
        publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
        privateJwkEnc: this.cipher.encrypt(JSON.stringify(privateJwk)),
      },
    })
    return kid
  }
}
