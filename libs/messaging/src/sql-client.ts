// The slice of a Prisma client the outbox and the inbox need, typed structurally so that
// every service's generated client (and its interactive transaction client) fits.

/** Runs one SQL statement; Prisma's client and transaction client both have it. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>
}

/** Opens an interactive transaction whose client is `Tx` (Prisma's `$transaction(async tx => ...)`). */
export interface TransactionalDb<Tx extends SqlExecutor> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>
}
