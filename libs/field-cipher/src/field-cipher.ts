// Encrypts single fields at rest with AES-256-GCM. Ciphertext is `v1.<iv>.<tag>.<ct>` (base64url)
// so the format and key can change later without guessing what an old value is.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12

export interface FieldCipher {
  encrypt(plaintext: string): string
  decrypt(ciphertext: string): string
}

export function createFieldCipher(base64Key: string): FieldCipher {
  const key = Buffer.from(base64Key, 'base64')
  if (key.length !== 32) throw new Error('the field cipher needs a 32-byte key')
  return {
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const parts = [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url'))
      return [VERSION, ...parts].join('.')
    },
    decrypt(ciphertext) {
      const [version, iv, tag, ct, ...rest] = ciphertext.split('.')
      if (version !== VERSION || iv === undefined || tag === undefined || ct === undefined || rest.length)
        throw new Error('unknown field ciphertext format')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}
