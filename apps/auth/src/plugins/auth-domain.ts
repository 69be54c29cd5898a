// Builds the auth use cases from the connections and puts them on the instance for the routes.
// At start it makes sure a signing key and the configured admin account exist.
import fp from 'fastify-plugin'
import type { AuthConfig } from '../config.ts'
import { createFieldCipher } from '@deals/field-cipher'
import { createPasswordHasher } from '../domain/accounts/passwords.ts'
import { Registration } from '../domain/accounts/registration.ts'
import { Profiles } from '../domain/accounts/profile.ts'
import { ensureAdminAccount } from '../domain/accounts/bootstrap-admin.ts'
import { SigningKeyStore } from '../domain/signing-keys/signing-key-store.ts'
import { AccessTokens } from '../domain/signing-keys/access-tokens.ts'
import { RefreshSessions } from '../domain/sessions/refresh-sessions.ts'
import { LoginThrottle } from '../domain/sessions/login-throttle.ts'
import { Sessions } from '../domain/sessions/sessions.ts'
import { AddressBook } from '../domain/addresses/address-book.ts'
import { SellerOnboarding } from '../domain/sellers/seller-onboarding.ts'
import { ApiKeys } from '../domain/api-keys/api-keys.ts'

export interface AuthDomain {
  registration: Registration
  sessions: Sessions
  profiles: Profiles
  signingKeys: SigningKeyStore
  addresses: AddressBook
  sellers: SellerOnboarding
  apiKeys: ApiKeys
}

declare module 'fastify' {
  interface FastifyInstance {
    authDomain: AuthDomain
  }
}

export const authDomainPlugin = fp<{ config: AuthConfig }>(
  async (app, { config }) => {
    const { authDb: db, redis, authMailer: mailer } = app
    const cipher = createFieldCipher(config.DATA_ENCRYPTION_KEY)
    const hasher = await createPasswordHasher({
      memoryKib: config.PASSWORD_HASH_MEMORY_KIB,
      iterations: config.PASSWORD_HASH_ITERATIONS,
    })
    const signingKeys = new SigningKeyStore(db, cipher, {
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      cacheSeconds: config.SIGNING_KEY_CACHE_SECONDS,
    })
    const accessTokens = new AccessTokens(signingKeys, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    })
    const throttle = new LoginThrottle(redis, config.LOGIN_MAX_FAILURES, config.LOGIN_FAILURE_WINDOW_SECONDS)
    const refresh = new RefreshSessions(db, config.REFRESH_TOKEN_TTL_SECONDS)

    await signingKeys.ensureActiveKey()
    await ensureAdminAccount(db, hasher, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD })

    app.decorate('authDomain', {
      registration: new Registration(db, hasher, cipher, mailer, {
        publicBaseUrl: config.PUBLIC_BASE_URL,
        verificationTtlSeconds: config.EMAIL_VERIFICATION_TTL_SECONDS,
      }),
      sessions: new Sessions(db, hasher, throttle, refresh, accessTokens),
      profiles: new Profiles(db, cipher),
      signingKeys,
      addresses: new AddressBook(db, cipher),
      sellers: new SellerOnboarding(db),
      apiKeys: new ApiKeys(db),
    })
  },
  { name: 'auth-domain', fastify: '5.x', dependencies: ['auth-database', 'redis', 'auth-mailer'] },
)
