// What a buyer is told about their entry, computed from one read of the waiting room: the place
// (1 = next), an ETA from the admission rate, or the admission itself. Before the opening there is
// no place yet: everyone who entered early is shuffled at the start.

export type EntryStatus = 'WAITING' | 'ADMITTED' | 'SOLD_OUT' | 'CLOSED'

export interface Entry {
  dealId: string
  status: EntryStatus
  /** 1 for the next buyer to be let in; null before the opening and when closed. */
  position: number | null
  etaSeconds: number | null
  /** When the draw for the places happens (the deal's start). */
  opensAt: string
  admissionToken?: string
  expiresAt?: string
}

/** The raw reply of enter-queue.lua. */
export interface RoomRead {
  outcome: 'NOT_FOUND' | 'NOT_REQUIRED' | 'NOT_OPEN' | 'CLOSED' | 'ABSENT' | 'WAITING' | 'ADMITTED'
  /** 0-based place among the waiting, -1 when not waiting. */
  rank: number
  /** Epoch ms the admission expires, -1 when not admitted. */
  admittedUntil: number
  now: number
  status: string
  startsAt: number
  endsAt: number
  soldOut: boolean
  shuffled: boolean
  /** The deal's own rate, when an operator set one. */
  rate: number | null
}

export function parseRoomRead(reply: (string | number)[]): RoomRead {
  const [outcome, rank, admittedUntil, now, status, startsAt, endsAt, soldOut, shuffled, rate] = reply
  return {
    outcome: outcome as RoomRead['outcome'],
    rank: Number(rank),
    admittedUntil: Number(admittedUntil),
    now: Number(now),
    status: String(status),
    startsAt: Number(startsAt),
    endsAt: Number(endsAt),
    soldOut: soldOut === '1',
    shuffled: shuffled === '1',
    rate: rate === '' ? null : Number(rate),
  }
}

export function isClosed(read: Pick<RoomRead, 'status' | 'now' | 'endsAt'>): boolean {
  return read.status === 'ENDED' || read.status === 'SUSPENDED' || read.now >= read.endsAt
}

/** The view of a waiting or admitted buyer; `token` only for an admitted one. */
export function entryView(dealId: string, read: RoomRead, defaultRate: number, token?: string): Entry {
  const opensAt = new Date(read.startsAt).toISOString()
  if (read.outcome === 'ADMITTED')
    return {
      dealId,
      status: 'ADMITTED',
      position: 0,
      etaSeconds: 0,
      opensAt,
      admissionToken: token,
      expiresAt: new Date(read.admittedUntil).toISOString(),
    }
  if (isClosed(read)) return { dealId, status: 'CLOSED', position: null, etaSeconds: null, opensAt }
  const untilOpening = Math.max(0, Math.ceil((read.startsAt - read.now) / 1000))
  if (!read.shuffled)
    return {
      dealId,
      status: read.soldOut ? 'SOLD_OUT' : 'WAITING',
      position: null,
      etaSeconds: untilOpening,
      opensAt,
    }
  const position = read.rank + 1
  if (read.soldOut) return { dealId, status: 'SOLD_OUT', position, etaSeconds: null, opensAt }
  return {
    dealId,
    status: 'WAITING',
    position,
    etaSeconds: Math.ceil(position / (read.rate ?? defaultRate)),
    opensAt,
  }
}
