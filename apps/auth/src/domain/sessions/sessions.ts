// Signing in, refreshing and signing out: the use cases behind /login, /refresh and /logout.
import { randomUUID } from 'node:crypto'
import { defineError } from '@deals/service-kit'
import type { Role } from '@deals/contracts'
import type { AuthDb } from '../database.ts'
import { normaliseEmail } from '../accounts/email-address.ts'
import type { PasswordHasher } from '../accounts/passwords.ts'
import type { AccessTokens } from '../signing-keys/access-tokens.ts'
import type { LoginThrottle } from './login-throttle.ts'
import { InvalidRefreshToken, type RefreshSessions } from './refresh-sessions.ts'

export const InvalidCredentials = defineError('INVALID_CREDENTIALS', 401, 'The e-mail or password is wrong')
export const EmailNotVerified = defineError(
  'EMAIL_NOT_VERIFIED',
  403,
  'Confirm your e-mail address before signing in',
)

export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
  tokenType: 'Bearer'
}

export class Sessions {
  constructor(
    private readonly db: AuthDb,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly refresh: RefreshSessions,
    private readonly accessTokens: AccessTokens,
  ) {}

  async login(input: { email: string; password: string; deviceId?: string }): Promise<TokenPair> {
    const email = normaliseEmail(input.email)
    await this.throttle.assertAllowed(email)
    const user = await this.db.user.findUnique({ where: { email }, include: { seller: true } })
    const ok = user
      ? await this.hasher.verify(user.passwordHash, input.password)
      : await this.hasher.verifyAgainstDummy(input.password)
    if (!user || !ok) {
      await this.throttle.recordFailure(email)
      throw InvalidCredentials()
    }
    await this.throttle.reset(email)
    if (!user.emailVerifiedAt) throw EmailNotVerified()
    const refreshToken = await this.db.$transaction((tx) =>
      this.refresh.start(tx, user.id, input.deviceId ?? randomUUID()),
    )
    return this.pair(user.id, user.roles, user.seller?.id, refreshToken)
  }

  async rotate(refreshToken: string): Promise<TokenPair> {
    const session = await this.refresh.rotate(refreshToken)
    const user = await this.db.user.findUnique({ where: { id: session.userId }, include: { seller: true } })
    if (!user) throw InvalidRefreshToken()
    return this.pair(user.id, user.roles, user.seller?.id, session.refreshToken)
  }

  logout(refreshToken: string) {
    return this.refresh.revokeFamilyOf(refreshToken)
  }

  logoutEverywhere(userId: string) {
    return this.refresh.revokeAll(userId)
  }

  private async pair(
    userId: string,
    roles: Role[],
    sellerId: string | undefined,
    refreshToken: string,
  ): Promise<TokenPair> {
    const access = await this.accessTokens.issue({ userId, roles, sellerId })
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' }
  }
}
