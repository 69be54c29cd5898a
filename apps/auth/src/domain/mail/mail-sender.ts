// Sends mail after the database commit without making the request wait for SMTP. A short SMTP
// outage is ridden out with retries and backoff; a mail that still fails is logged (without the
// recipient) and the user can ask for a new link through /verify/resend.
export interface MailMessage {
  to: string
  subject: string
  text: string
}

export interface MailTransport {
  send(message: MailMessage): Promise<void>
}

export interface MailLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class MailSender {
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly transport: MailTransport,
    private readonly log: MailLog,
    private readonly backoffMs: readonly number[] = [500, 2_000, 8_000],
  ) {}

  /** Queues the message in this process and returns at once. */
  sendInBackground(message: MailMessage, kind: string): void {
    const job = this.deliver(message, kind).finally(() => this.inFlight.delete(job))
    this.inFlight.add(job)
  }

  /** Waits for queued mail on shutdown, so a graceful stop does not drop it. */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight])
  }

  private async deliver(message: MailMessage, kind: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.transport.send(message)
        return
      } catch (err) {
        const delay = this.backoffMs[attempt]
        if (delay === undefined) {
          this.log.error(
            { kind, attempts: attempt + 1, err: (err as Error).message },
            'mail could not be sent',
          )
          return
        }
        this.log.warn({ kind, attempt: attempt + 1, err: (err as Error).message }, 'mail failed, retrying')
        await sleep(delay)
      }
    }
  }
}
