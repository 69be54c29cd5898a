// Server-sent event framing: a notification is `id:` (its feed number), `event: notification` and
// one JSON `data:` line; a heartbeat is a comment line, which EventSource ignores.
import type { LiveEvent } from '../../domain/live/live-feed.ts'

export function formatSse(event: LiveEvent): string {
  if (event.type === 'heartbeat') return ': heartbeat\n\n'
  const { notification } = event
  return `id: ${notification.seq}\nevent: notification\ndata: ${JSON.stringify(notification)}\n\n`
}
