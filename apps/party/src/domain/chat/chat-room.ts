// A member's live chat: on connect the recent history, then every message of the party as it is
// posted on any replica; what the member sends is checked (shape, length, rate), stored, and fanned
// out. Messages of one connection are handled in the order they came.
import { DomainError } from '@deals/service-kit'
import type { ChatHub, ChatPeer, ChatEvent } from './chat-hub.ts'
import { MAX_MESSAGE_LENGTH, type ChatMessages } from './chat-messages.ts'
import type { ChatRateLimit } from './chat-rate-limit.ts'

export interface ChatRoomOptions {
  historySize: number
}

/** Told what became of each message: counted in metrics, failures logged. */
export interface ChatObserver {
  posted(): void
  refused(code: string): void
  failed(error: unknown): void
}

export interface ChatSession {
  /** One frame from the member, as text. */
  receive(data: string): void
  /** The connection closed. */
  end(): void
}

const refusal = (code: string, detail: string): ChatEvent => ({ type: 'error', code, detail })

export class ChatRoom {
  constructor(
    private readonly messages: ChatMessages,
    private readonly hub: ChatHub,
    private readonly rateLimit: ChatRateLimit,
    private readonly options: ChatRoomOptions,
    private readonly observer: ChatObserver,
  ) {}

  /** Membership is checked before the upgrade (`messages.assertMember`); this starts the session. */
  async connect(partyId: string, peer: ChatPeer): Promise<ChatSession> {
    // Live messages that arrive while the history is read are held, then sent after it unless the
    // history already had them: nothing is missed between the two, nothing is sent twice.
    let held: ChatEvent[] | undefined = []
    const live: ChatPeer = {
      userId: peer.userId,
      send: (event, frame) => (held ? held.push(event) : peer.send(event, frame)),
      close: (code, reason) => peer.close(code, reason),
    }
    const leave = await this.hub.enter(partyId, live)
    try {
      const history = await this.messages.recent(partyId, this.options.historySize)
      peer.send({ type: 'history', messages: history })
      const seen = new Set(history.map((m) => m.id))
      for (const event of held) if (event.type !== 'message' || !seen.has(event.message.id)) peer.send(event)
      held = undefined
    } catch (error) {
      leave()
      throw error
    }

    let queue = Promise.resolve()
    return {
      receive: (data) => {
        queue = queue
          .then(() => this.handle(partyId, peer, data))
          .catch((error) => this.observer.failed(error))
      },
      end: leave,
    }
  }

  private async handle(partyId: string, peer: ChatPeer, data: string): Promise<void> {
    const refuse = (code: string, detail: string) => {
      this.observer.refused(code)
      peer.send(refusal(code, detail))
    }
    const text = parseText(data)
    if (text === undefined) return refuse('BAD_MESSAGE', 'Send {"text": "..."} with some text')
    if ([...text].length > MAX_MESSAGE_LENGTH)
      return refuse('MESSAGE_TOO_LONG', `A message has at most ${MAX_MESSAGE_LENGTH} characters`)
    if (!(await this.rateLimit.allow(peer.userId)))
      return refuse('RATE_LIMITED', 'Too many messages; slow down')
    try {
      const message = await this.messages.post(partyId, peer.userId, text)
      this.observer.posted()
      await this.hub.publish(partyId, message)
    } catch (error) {
      if (error instanceof DomainError) return refuse(error.code, error.message)
      this.observer.failed(error)
      peer.send(refusal('INTERNAL', 'The message could not be sent; try again'))
    }
  }
}

function parseText(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as unknown
    const text = (parsed as { text?: unknown } | null)?.text
    return typeof text === 'string' && text.trim() !== '' ? text : undefined
  } catch {
    return undefined
  }
}
