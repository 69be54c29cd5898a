// A process that starts job schedulers and stops them, the way a service that is closed right
// after (or while) it starts does. It must then exit on its own: anything left running is a leak.
// Usage: start-and-stop.ts <at-once|during> (DATABASE_URL in the environment).
import { setTimeout as sleep } from 'node:timers/promises'
import { JobScheduler } from '../../src/index.ts'

const databaseUrl = process.env.DATABASE_URL
const mode = process.argv[2]
if (!databaseUrl || (mode !== 'at-once' && mode !== 'during')) {
  throw new Error('usage: DATABASE_URL=... start-and-stop.ts <at-once|during>')
}

// As many workers as a busy service has (the catalog: five job names, four workers each), so
// their first polls queue for the scheduler's four connections when it stops.
// Errors go to stderr, where the test expects none: stopping is not a failure.
const logger = {
  info: () => {},
  warn: () => {},
  error: (obj: object, msg: string) => console.error(msg, obj),
}

function scheduler(): JobScheduler {
  const s = new JobScheduler({ databaseUrl: databaseUrl!, stopTimeoutMs: 1000, logger })
  for (let i = 0; i < 5; i++) s.define(`shutdown-${i}`, async () => {}, { concurrency: 4 })
  return s
}

if (mode === 'at-once') {
  for (let round = 0; round < 3; round++) {
    const s = scheduler()
    await s.start()
    await s.stop()
  }
} else {
  // Stop at different points of the startup: before pg-boss has started, while it installs the
  // queues, while the workers start.
  for (const delayMs of [0, 5, 20, 50, 100, 200, 400]) {
    const s = scheduler()
    const started = s.start()
    await sleep(delayMs)
    await Promise.all([s.stop(), started])
  }
}
console.log('stopped')
