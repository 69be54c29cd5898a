// Sign-up and e-mail verification: the account, its verification token and the
// user.registered.v1 event commit together; the mail with the link goes out after commit.
import { defineError } from '@deals/service-kit'
import { userRegisteredV1, userVerifiedV1 } from '@deals/contracts'
import { Prisma } from '../../generated/prisma/client.ts'
import type { FieldCipher } from '@deals/field-cipher'
import { newOpaqueToken, sha256 } from '../crypto/opaque-token.ts'
import type { AuthDb, AuthTx } from '../database.ts'
import { publishEvent } from '../events/publish-event.ts'
import type { MailSender } from '../mail/mail-sender.ts'
import { normaliseEmail } from './email-address.ts'
import { normaliseKoreanMobile } from './korean-phone.ts'
import { assertPasswordPolicy, type PasswordHasher } from './passwords.ts'

export const EmailTaken = defineError('EMAIL_TAKEN', 409, 'An account with this e-mail already exists')
export const InvalidPhone = defineError(
  'INVALID_PHONE',
  400,
  'Phone numbers are Korean mobile numbers like 010-1234-5678',
)
export const InvalidToken = defineError('INVALID_TOKEN', 400, 'The verification link is not valid')
export const TokenExpired = defineError(
  'TOKEN_EXPIRED',
  400,
  'The verification link has expired; ask for a new one',
)

export interface SignupInput {
  email: string
  password: string
  name: string
  phone?: string
}

export interface RegistrationOptions {
  publicBaseUrl: string
  verificationTtlSeconds: number
}

export class Registration {
  constructor(
    private readonly db: AuthDb,
    private readonly hasher: PasswordHasher,
    private readonly cipher: FieldCipher,
    private readonly mail: MailSender,
    private readonly options: RegistrationOptions,
  ) {}

  async signup(input: SignupInput): Promise<{ userId: string }> {
    const email = normaliseEmail(input.email)
    assertPasswordPolicy(input.password)
    const phone = input.phone === undefined ? undefined : normaliseKoreanMobile(input.phone)
    if (input.phone !== undefined && !phone) throw InvalidPhone()
    const passwordHash = await this.hasher.hash(input.password)
    let token: string
    let userId: string
    try {
      ;({ token, userId } = await this.db.$transaction(async (tx) => {
        const user = await tx.user.create({
          data: {
            email,
            passwordHash,
            name: input.name,
            phoneEnc: phone ? this.cipher.encrypt(phone) : null,
            roles: ['BUYER'],
          },
        })
        await publishEvent(tx, userRegisteredV1, { userId: user.id, email, name: user.name })
        return { userId: user.id, token: await this.createToken(tx, user.id) }
      }))
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw EmailTaken()
      throw err
    }
    this.sendLink(email, token)
    return { userId }
  }

  async verify(token: string): Promise<void> {
    const found = await this.db.emailVerificationToken.findUnique({ where: { tokenHash: sha256(token) } })
    if (!found || found.usedAt) throw InvalidToken()
    if (found.expiresAt <= new Date()) throw TokenExpired()
    await this.db.$transaction(async (tx) => {
      const claimed = await tx.emailVerificationToken.updateMany({
        where: { id: found.id, usedAt: null },
        data: { usedAt: new Date() },
      })
      if (claimed.count === 0) throw InvalidToken()
      const user = await tx.user.findUniqueOrThrow({ where: { id: found.userId } })
      if (user.emailVerifiedAt) return
      await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } })
      await publishEvent(tx, userVerifiedV1, { userId: user.id })
    })
  }

  /** Sends a fresh link to an unverified account; answers the same whatever the address, so it reveals nothing. */
  async resend(rawEmail: string): Promise<void> {
    const email = normaliseEmail(rawEmail)
    const user = await this.db.user.findUnique({ where: { email } })
    if (!user || user.emailVerifiedAt) return
    const token = await this.db.$transaction((tx) => this.createToken(tx, user.id))
    this.sendLink(email, token)
  }

  private async createToken(tx: AuthTx, userId: string): Promise<string> {
    const token = newOpaqueToken()
    await tx.emailVerificationToken.create({
      data: {
        userId,
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + this.options.verificationTtlSeconds * 1000),
      },
    })
    return token
  }

  private sendLink(email: string, token: string) {
    const link = new URL('/api/auth/verify', this.options.publicBaseUrl)
    link.searchParams.set('token', token)
    this.mail.sendInBackground(
      {
        to: email,
        subject: 'Confirm your e-mail address',
        text: `Welcome to Deals!\n\nConfirm your address by opening this link within ${Math.round(this.options.verificationTtlSeconds / 3600)} hours:\n${link.href}\n\nIf you did not sign up, ignore this message.\n`,
      },
      'email-verification',
    )
  }
}
