// The buyer's side of a deal's waiting room: enter (once per account; entering again keeps the
// place), look up the entry, leave (freeing the place or the admission slot), and the deal's
// public status. Every read and write is one Lua script over the deal's Redis keys.
import type { Redis } from 'ioredis'
import type { AdmissionTokens } from '../admission/admission-tokens.ts'
import type { DealDirectory } from '../deals/deal-directory.ts'
import { DealNotFound, EntryNotFound, QueueClosed, QueueNotOpen, QueueNotRequired } from '../queue-errors.ts'
import { entryView, isClosed, parseRoomRead, type Entry, type RoomRead } from './entry-view.ts'
import { dealKeys } from './queue-keys.ts'

export interface WaitingRoomOptions {
  prequeueSeconds: number
  defaultRatePerSecond: number
}

export type RoomState = 'UPCOMING' | 'OPEN' | 'SOLD_OUT' | 'CLOSED'

export interface RoomStatus {
  dealId: string
  state: RoomState
  /** Buyers waiting (before the opening: entered early, to be shuffled). */
  waiting: number
  /** Admissions given and not expired: buyers who may be shopping now. */
  activeAdmissions: number
  admittedTotal: number
  admissionRatePerSecond: number
  entryOpensAt: string
  startsAt: string
  endsAt: string
}

export class WaitingRoom {
  constructor(
    private readonly redis: Redis,
    private readonly deals: DealDirectory,
    private readonly tokens: AdmissionTokens,
    private readonly options: WaitingRoomOptions,
  ) {}

  async enter(dealId: string, userId: string): Promise<Entry> {
    const read = await this.read(dealId, userId, true)
    if (read.outcome === 'CLOSED') throw QueueClosed()
    if (read.outcome === 'NOT_OPEN')
      throw QueueNotOpen(undefined, {
        entryOpensAt: new Date(read.startsAt - this.options.prequeueSeconds * 1000).toISOString(),
      })
    return this.view(dealId, userId, read)
  }

  /** The buyer's entry; 404 when they are not waiting nor admitted. */
  async find(dealId: string, userId: string): Promise<Entry> {
    return this.view(dealId, userId, await this.read(dealId, userId, false))
  }

  /** Leaves the line or gives the admission back; leaving twice is harmless. */
  async leave(dealId: string, userId: string): Promise<void> {
    const keys = dealKeys(dealId)
    await this.redis
      .multi()
      .zrem(keys.waiting, userId)
      .zrem(keys.admitted, userId)
      .hdel(keys.tokens, userId)
      .exec()
  }

  async status(dealId: string): Promise<RoomStatus> {
    const keys = dealKeys(dealId)
    let state = await this.redis.hgetall(keys.state)
    if (!state['status'] && (await this.deals.restore(dealId))) state = await this.redis.hgetall(keys.state)
    if (!state['status'] || state['status'] === 'HIDDEN') throw DealNotFound()
    if (state['queueRequired'] !== '1') throw QueueNotRequired()
    const [waiting, activeAdmissions] = await Promise.all([
      this.redis.zcard(keys.waiting),
      this.redis.zcount(keys.admitted, Date.now(), '+inf'),
    ])
    const startsAt = Number(state['startsAt'])
    const endsAt = Number(state['endsAt'])
    return {
      dealId,
      state: roomState(state, endsAt),
      waiting,
      activeAdmissions,
      admittedTotal: Number(state['admittedTotal'] ?? 0),
      admissionRatePerSecond: Number(state['rate'] ?? this.options.defaultRatePerSecond),
      entryOpensAt: new Date(startsAt - this.options.prequeueSeconds * 1000).toISOString(),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
    }
  }

  /** One read (or enter) of the room; a deal missing from Redis is restored from PostgreSQL once. */
  async read(dealId: string, userId: string, join: boolean): Promise<RoomRead> {
    let read = await this.run(dealId, userId, join)
    if (read.outcome === 'NOT_FOUND' && !read.status && (await this.deals.restore(dealId)))
      read = await this.run(dealId, userId, join)
    if (read.outcome === 'NOT_FOUND') throw DealNotFound()
    if (read.outcome === 'NOT_REQUIRED') throw QueueNotRequired()
    return read
  }

  /** The view of a read that found the buyer, with the token of an admitted one. */
  async view(dealId: string, userId: string, read: RoomRead): Promise<Entry> {
    if (read.outcome === 'ABSENT') throw EntryNotFound()
    const token =
      read.outcome === 'ADMITTED' ? await this.tokens.tokenFor(dealId, userId, read.admittedUntil) : undefined
    return entryView(dealId, read, this.options.defaultRatePerSecond, token)
  }

  private async run(dealId: string, userId: string, join: boolean): Promise<RoomRead> {
    const keys = dealKeys(dealId)
    const reply = await this.redis.queueEnter(
      keys.state,
      keys.waiting,
      keys.admitted,
      userId,
      join ? 1 : 0,
      this.options.prequeueSeconds * 1000,
    )
    return parseRoomRead(reply)
  }
}

function roomState(state: Record<string, string>, endsAt: number): RoomState {
  if (isClosed({ status: state['status']!, now: Date.now(), endsAt })) return 'CLOSED'
  if (state['soldOut'] === '1') return 'SOLD_OUT'
  return state['shuffled'] === '1' ? 'OPEN' : 'UPCOMING'
}
