// The captured messages, in memory: the newest `capacity` are kept, older ones are forgotten.

export interface CapturedMessage {
  id: string
  to: string[]
  from: string
  subject: string
  text: string
  html?: string
  receivedAt: string
}

export class MessageStore {
  // Oldest first, so a capture is a push and the overflow a shift.
  #messages: CapturedMessage[] = []

  constructor(private readonly capacity: number) {}

  add(message: CapturedMessage): void {
    this.#messages.push(message)
    if (this.#messages.length > this.capacity) this.#messages.shift()
  }

  /** Newest first; `to` matches any recipient, ignoring case. */
  list(filter: { to?: string; limit?: number } = {}): CapturedMessage[] {
    const to = filter.to?.toLowerCase()
    const found: CapturedMessage[] = []
    for (let i = this.#messages.length - 1; i >= 0 && found.length < (filter.limit ?? Infinity); i--) {
      const message = this.#messages[i]!
      if (!to || message.to.some((address) => address.toLowerCase() === to)) found.push(message)
    }
    return found
  }

  clear(): void {
    this.#messages = []
  }
}
