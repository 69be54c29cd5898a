// Group commit for the order write: writes that arrive while earlier ones are being written wait
// and go together in the next batch, so a burst costs the database one transaction per batch
// instead of one per order, while a write that arrives alone goes at once. A batch that fails as
// a whole is written again one item at a time, so one bad item fails only its own caller.

export interface GroupCommitOptions {
  /** Most items in one batch. */
  maxBatch: number
  /** Most batches being written at once (each holds one pooled connection). */
  maxInFlight: number
  /** Longest an item waits for its batch; past it the item is refused unwritten (load shed). */
  maxWaitMs: number
  /** Told the size of every batch written, for metrics. */
  onBatch?: (size: number) => void
}

/**
 * Writes a batch in one transaction and says, per item, in order, whether it was written
 * (`undefined`) or why not. Throwing means nothing of the batch was written.
 */
export type BatchWriter<T> = (items: readonly T[]) => Promise<(Error | undefined)[]>

interface Waiting<T> {
  item: T
  since: number
  resolve: () => void
  reject: (error: unknown) => void
}

export class GroupCommit<T> {
  #waiting: Waiting<T>[] = []
  #inFlight = 0
  #scheduled = false

  constructor(
    private readonly write: BatchWriter<T>,
    private readonly options: GroupCommitOptions,
  ) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) throw new Error('group commit bounds must be >= 1')
  }

  /** Resolves once the item is committed; rejects with the reason it was not. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, since: performance.now(), resolve, reject })
      // Let the writes that arrive in the same turn of the event loop join this batch.
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => {
          this.#scheduled = false
          this.#flush()
        })
      }
    })
  }

  /** Items waiting for a batch, and batches being written. */
  get backlog(): { waiting: number; inFlight: number } {
    return { waiting: this.#waiting.length, inFlight: this.#inFlight }
  }

  #flush(): void {
    const oldest = performance.now() - this.options.maxWaitMs
    while (this.#waiting.length > 0 && this.#waiting[0]!.since < oldest)
      this.#waiting.shift()!.reject(new Error(`waited over ${this.options.maxWaitMs} ms for a batch`))
    while (this.#inFlight < this.options.maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.options.maxBatch)
      this.#inFlight++
      this.options.onBatch?.(batch.length)
      void this.#writeBatch(batch).finally(() => {
        this.#inFlight--
        this.#flush()
      })
    }
  }

  async #writeBatch(batch: Waiting<T>[]): Promise<void> {
    let outcomes: (Error | undefined)[]
    try {
      outcomes = await this.write(batch.map((w) => w.item))
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error)
      await Promise.all(batch.map((w) => this.#writeBatch([w])))
      return
    }
    batch.forEach((w, i) => {
      const failure = outcomes[i]
      if (failure) w.reject(failure)
      else w.resolve()
    })
  }
}
