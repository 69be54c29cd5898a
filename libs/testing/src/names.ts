import { randomBytes } from 'node:crypto'

/** A name no other test run uses: lowercase, digits and underscores only. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
}
