// E-mail copies of notifications, for the kinds a user opted into. Never sent inline: the e-mail
// is a durable job scheduled in the transaction that wrote the notification, sent by whichever
// replica picks it up and retried with backoff while SMTP is down or while the user's address has
// not arrived yet (user.registered may trail the first event about a new user).
import type { JobScheduler } from '@deals/jobs'
import type { NotificationKind } from '../../generated/prisma/client.ts'
import type { NotificationDb, NotificationTx } from '../database.ts'
import type { EmailQueue, Notice } from '../feed/notification-feed.ts'

export const EMAIL_JOB = 'notification-email'

export interface EmailJob {
  userId: string
  kind: NotificationKind
  subject: string
  text: string
}

export interface MailMessage {
  to: string
  subject: string
  text: string
}

export interface MailTransport {
  send(message: MailMessage): Promise<void>
}

export class EmailDelivery implements EmailQueue {
  constructor(
    private readonly db: NotificationDb,
    private readonly jobs: Pick<JobScheduler, 'define' | 'runSoon'>,
    private readonly transport: MailTransport,
    private readonly retry: { limit: number; delaySeconds: number },
  ) {}

  /** Declares the job; call before the scheduler starts. */
  define(): void {
    this.jobs.define<EmailJob>(EMAIL_JOB, (job) => this.send(job), {
      retryLimit: this.retry.limit,
      retryDelaySeconds: this.retry.delaySeconds,
    })
  }

  async enqueue(tx: NotificationTx, notice: Notice): Promise<void> {
    const job: EmailJob = {
      userId: notice.userId,
      kind: notice.kind,
      subject: notice.title,
      text: notice.body,
    }
    await this.jobs.runSoon(EMAIL_JOB, job, {
      tx,
      key: `${notice.userId}:${notice.kind}:${notice.sourceEventId}`,
    })
  }

  private async send(job: EmailJob): Promise<void> {
    const contact = await this.db.userContact.findUnique({ where: { userId: job.userId } })
    // Thrown, so the job is retried: the address may still be on its way from the auth service.
    if (!contact) throw new Error('no e-mail address known for the user yet')
    await this.transport.send({
      to: contact.email,
      subject: job.subject,
      text: `${job.text}\n\nYou can choose which notifications reach you by e-mail in your notification settings.`,
    })
  }
}
