// Server-sent event framing of entry updates: `event: <type>` and one JSON `data:` line; a
// heartbeat is a comment line, which EventSource ignores.
import type { WatchEvent } from '../../domain/waiting-room/entry-watch.ts'

export function formatSse(event: WatchEvent): string {
  if (event.type === 'heartbeat') return ': heartbeat\n\n'
  const data = event.type === 'left' ? {} : event.entry
  return `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`
}
