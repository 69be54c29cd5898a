// Live updates of buyers' entries, for the streams this replica holds open. One timer re-reads
// every watched entry (Redis pipelines the reads) and tells a watcher only what changed: a new
// place or ETA, then the admission with its token, a sold-out (the stream stays: a restock resumes
// it), or the end (deal closed, or the buyer left from elsewhere). Another replica's admission
// loop is seen on the next refresh, so updates work across replicas without a broadcast.
import type { Entry } from './entry-view.ts'
import type { WaitingRoom } from './waiting-room.ts'

export type WatchEvent =
  | { type: 'position'; entry: Entry }
  | { type: 'sold-out'; entry: Entry }
  | { type: 'admitted'; entry: Entry }
  | { type: 'closed'; entry: Entry | null }
  | { type: 'left' }
  | { type: 'heartbeat' }

/** `end` after an event means no more will come; the stream should close. */
export interface WatchTarget {
  send(event: WatchEvent): void
  end(): void
}

interface Watcher {
  dealId: string
  userId: string
  target: WatchTarget
  last: string
  done: boolean
}

const FINAL = new Set<WatchEvent['type']>(['admitted', 'closed', 'left'])

export class EntryWatch {
  private readonly watchers = new Set<Watcher>()
  private refreshTimer: NodeJS.Timeout | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  private refreshing = false

  constructor(
    private readonly room: WaitingRoom,
    private readonly options: { refreshMs: number; heartbeatMs: number },
  ) {}

  get size(): number {
    return this.watchers.size
  }

  start(): void {
    this.refreshTimer = setInterval(() => void this.refreshAll(), this.options.refreshMs)
    this.heartbeatTimer = setInterval(() => {
      for (const w of this.watchers) w.target.send({ type: 'heartbeat' })
    }, this.options.heartbeatMs)
  }

  /** Ends every stream (clients reconnect, to another replica if this one is going away). */
  stop(): void {
    clearInterval(this.refreshTimer)
    clearInterval(this.heartbeatTimer)
    for (const w of [...this.watchers]) this.finish(w)
  }

  /** Starts watching with an immediate first update; the returned function stops it. */
  watch(dealId: string, userId: string, target: WatchTarget): () => void {
    const watcher: Watcher = { dealId, userId, target, last: '', done: false }
    this.watchers.add(watcher)
    void this.refresh(watcher)
    return () => {
      watcher.done = true
      this.watchers.delete(watcher)
    }
  }

  private async refreshAll(): Promise<void> {
    if (this.refreshing) return
    this.refreshing = true
    try {
      await Promise.all([...this.watchers].map((w) => this.refresh(w)))
    } finally {
      this.refreshing = false
    }
  }

  private async refresh(watcher: Watcher): Promise<void> {
    const event = await this.next(watcher).catch((): WatchEvent => ({ type: 'closed', entry: null }))
    if (watcher.done || !event) return
    watcher.target.send(event)
    if (FINAL.has(event.type)) this.finish(watcher)
  }

  private async next(watcher: Watcher): Promise<WatchEvent | undefined> {
    const read = await this.room.read(watcher.dealId, watcher.userId, false)
    if (read.outcome === 'ABSENT') return { type: 'left' }
    const entry = await this.room.view(watcher.dealId, watcher.userId, read)
    const key = `${entry.status}:${entry.position}:${entry.etaSeconds}`
    if (key === watcher.last) return undefined
    const previous = watcher.last
    watcher.last = key
    switch (entry.status) {
      case 'ADMITTED':
        return { type: 'admitted', entry }
      case 'CLOSED':
        return { type: 'closed', entry }
      case 'SOLD_OUT':
        return previous.startsWith('SOLD_OUT') ? undefined : { type: 'sold-out', entry }
      default:
        return { type: 'position', entry }
    }
  }

  private finish(watcher: Watcher): void {
    if (watcher.done) return
    watcher.done = true
    this.watchers.delete(watcher)
    watcher.target.end()
  }
}
