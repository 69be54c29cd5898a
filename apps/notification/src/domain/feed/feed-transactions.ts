// Opens the transactions that write notifications and, once one has committed, hands what it
// wrote to live delivery. A notification must reach open streams only after PostgreSQL shows it,
// or a stream catching up from the database could miss it. `consume` is given this object as its
// database, so an event's notifications go live exactly when its inbox record commits.
import type { Notification } from '../../generated/prisma/client.ts'
import type { NotificationDb, NotificationTx } from '../database.ts'

export type CommitListener = (written: Notification[]) => void

export class FeedTransactions {
  private readonly pending = new WeakMap<NotificationTx, Notification[]>()

  constructor(
    private readonly db: NotificationDb,
    private readonly onCommit: CommitListener,
  ) {}

  async $transaction<R>(
    fn: (tx: NotificationTx) => Promise<R>,
    options?: { maxWait?: number; timeout?: number },
  ): Promise<R> {
    const written: Notification[] = []
    const result = await this.db.$transaction(async (tx) => {
      this.pending.set(tx, written)
      return fn(tx)
    }, options)
    if (written.length) this.onCommit(written)
    return result
  }

  /** Records rows written in `tx` for delivery after its commit. */
  wrote(tx: NotificationTx, rows: Notification[]): void {
    const written = this.pending.get(tx)
    if (!written) throw new Error('notifications written outside a feed transaction would never go live')
    written.push(...rows)
  }
}
