// @deals/field-cipher: single database fields encrypted at rest with AES-256-GCM (phone numbers,
// addresses, signing keys, webhook secrets), with a versioned ciphertext format.
export { createFieldCipher, type FieldCipher } from './field-cipher.ts'
