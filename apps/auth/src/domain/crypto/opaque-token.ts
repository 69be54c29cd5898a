// Random bearer secrets (refresh tokens, verification links, API key secrets) and the one-way
// hash under which they are stored, so a database leak reveals no usable token.
import { createHash, randomBytes } from 'node:crypto'

export const newOpaqueToken = (bytes = 32) => randomBytes(bytes).toString('base64url')

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url')
