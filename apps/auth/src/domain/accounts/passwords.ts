// Password policy and hashing (argon2id). Costs come from config so tests can run cheaply
// while production keeps memory-hard defaults.
import argon2 from 'argon2'
import { defineError } from '@deals/service-kit'

export const WeakPassword = defineError('WEAK_PASSWORD', 400, 'The password does not meet the policy')

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 128

export function assertPasswordPolicy(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
    throw WeakPassword(`Passwords have ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`)
  if (new Set(password).size === 1) throw WeakPassword('A password cannot repeat a single character')
}

export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(hash: string, password: string): Promise<boolean>
  /** Spends the same time as a real check, for unknown accounts, so timing does not reveal them. */
  verifyAgainstDummy(password: string): Promise<false>
}

export async function createPasswordHasher(cost: {
  memoryKib: number
  iterations: number
}): Promise<PasswordHasher> {
  const options = {
    type: argon2.argon2id,
    memoryCost: cost.memoryKib,
    timeCost: cost.iterations,
    parallelism: 1,
  }
  const dummy = await argon2.hash('not-a-real-password-just-timing', options)
  return {
    hash: (password) => argon2.hash(password, options),
    verify: (hash, password) => argon2.verify(hash, password).catch(() => false),
    async verifyAgainstDummy(password) {
      await argon2.verify(dummy, password).catch(() => false)
      return false
    },
  }
}
