// Stored answers by Idempotency-Key: the same key with the same request replays the first
// answer (status and body), the same key with a different request is refused with 422.

export interface StoredAnswer {
  status: number
  body: unknown
}

export type IdempotentOutcome = StoredAnswer & { replayed: boolean }

export class IdempotencyStore {
  readonly #answers = new Map<string, { fingerprint: string; answer: StoredAnswer }>()

  /**
   * Runs `execute` once per key. Everything here is synchronous, so two requests with one key
   * can never both execute: the second always sees the first one's stored answer.
   */
  run(key: string, fingerprint: string, execute: () => StoredAnswer): IdempotentOutcome {
    const stored = this.#answers.get(key)
    if (stored) {
      if (stored.fingerprint !== fingerprint)
        return {
          status: 422,
          body: {
            code: 'IDEMPOTENCY_KEY_REUSED',
            message: 'this Idempotency-Key was used with a different request',
          },
          replayed: false,
        }
      return { ...stored.answer, replayed: true }
    }
    const answer = execute()
    this.#answers.set(key, { fingerprint, answer })
    return { ...answer, replayed: false }
  }

  clear(): void {
    this.#answers.clear()
  }
}

/** The request's identity for idempotency: method, path and body with its keys sorted. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${canonical(body)}`
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value) ?? 'null'
}
