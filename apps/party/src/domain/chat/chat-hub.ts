// Fans chat out to the members connected to any replica. Each replica keeps its own connections by
// party and subscribes to a party's Redis channel while at least one of its members is connected
// here; a message is published once and every replica hands it to its local connections.
import type { Redis } from 'ioredis'
import type { ChatMessageView } from './chat-messages.ts'

/** What a connected member receives. */
export type ChatEvent =
  | { type: 'history'; messages: ChatMessageView[] }
  | { type: 'message'; message: ChatMessageView }
  | { type: 'error'; code: string; detail: string }

export interface ChatPeer {
  readonly userId: string
  /** `frame` is `event` already serialized, once for every peer a broadcast reaches. */
  send(event: ChatEvent, frame?: string): void
  close(code: number, reason: string): void
}

/** What travels between replicas on a party's channel. */
type Broadcast = { type: 'message'; message: ChatMessageView } | { type: 'removed'; userIds: string[] }

/** WebSocket close code for a member who left the party while connected. */
export const CLOSE_NOT_A_MEMBER = 4403
/** WebSocket close code (1001, going away) for connections ended by a shutdown. */
export const CLOSE_GOING_AWAY = 1001

export interface ChatHubLogger {
  warn(obj: object, msg: string): void
}

export class ChatHub {
  private readonly rooms = new Map<string, Set<ChatPeer>>()
  private readonly subscriptions = new Map<string, Promise<unknown>>()

  /**
   * `subscriber` is a connection of its own (it enters subscriber mode); `channelPrefix` keeps the
   * service's channels apart from others' (ioredis's key prefix does not apply to channels).
   */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channelPrefix: string,
    private readonly log: ChatHubLogger,
  ) {
    subscriber.on('message', (channel: string, text: string) => this.deliver(channel, text))
  }

  /** Connections open on this replica. */
  get size(): number {
    let total = 0
    for (const room of this.rooms.values()) total += room.size
    return total
  }

  /** Adds a connection to its party's room; resolves once this replica hears the party's channel. */
  async enter(partyId: string, peer: ChatPeer): Promise<() => void> {
    let room = this.rooms.get(partyId)
    if (!room) {
      room = new Set()
      this.rooms.set(partyId, room)
      this.subscriptions.set(partyId, this.subscriber.subscribe(this.channel(partyId)))
    }
    room.add(peer)
    try {
      await this.subscriptions.get(partyId)
    } catch (error) {
      this.leave(partyId, peer)
      throw error
    }
    return () => this.leave(partyId, peer)
  }

  async publish(partyId: string, message: ChatMessageView): Promise<void> {
    await this.broadcast(partyId, { type: 'message', message })
  }

  /** Ends the connections, on every replica, of users who are no longer in the party. */
  async removeMembers(partyId: string, userIds: string[]): Promise<void> {
    await this.broadcast(partyId, { type: 'removed', userIds })
  }

  /** Closes every connection of this replica (shutdown): clients reconnect to another one. */
  closeAll(): void {
    for (const room of this.rooms.values())
      for (const peer of room) peer.close(CLOSE_GOING_AWAY, 'server shutting down')
  }

  private leave(partyId: string, peer: ChatPeer): void {
    const room = this.rooms.get(partyId)
    if (!room?.delete(peer) || room.size > 0) return
    this.rooms.delete(partyId)
    this.subscriptions.delete(partyId)
    // Commands on one connection run in order, so a later re-subscribe is not undone by this.
    this.subscriber
      .unsubscribe(this.channel(partyId))
      .catch((err: Error) => this.log.warn({ err: err.message, partyId }, 'chat unsubscribe failed'))
  }

  private async broadcast(partyId: string, broadcast: Broadcast): Promise<void> {
    await this.publisher.publish(this.channel(partyId), JSON.stringify(broadcast))
  }

  private channel(partyId: string): string {
    return `${this.channelPrefix}chat:${partyId}`
  }

  private deliver(channel: string, text: string): void {
    const partyId = channel.slice(`${this.channelPrefix}chat:`.length)
    const room = this.rooms.get(partyId)
    if (!room) return
    let broadcast: Broadcast
    try {
      broadcast = JSON.parse(text) as Broadcast
    } catch {
      this.log.warn({ partyId }, 'unreadable chat broadcast dropped')
      return
    }
    if (broadcast.type === 'message') {
      const event: ChatEvent = { type: 'message', message: broadcast.message }
      const frame = JSON.stringify(event)
      for (const peer of [...room]) peer.send(event, frame)
    } else {
      for (const peer of [...room])
        if (broadcast.userIds.includes(peer.userId)) peer.close(CLOSE_NOT_A_MEMBER, 'no longer a member')
    }
  }
}
