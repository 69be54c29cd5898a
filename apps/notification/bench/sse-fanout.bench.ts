// SSE fan-out: 10,000 notification streams open on one replica at 127.0.0.1 (one user each, so
// 10,000 Redis channel subscriptions), then rounds in which one transaction notifies all 10,000
// users (a popular deal's reminder) and the clients count the events they receive. Prints and
// writes bench/results/sse-fanout.json: streams opened per second, the server's memory per open
// stream, and notifications delivered per second from the commit to the last client. The clients
// run in a child process, so each side stays within its own file-descriptor limit.
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { waitUntil } from '@deals/messaging/testing'
import type { Notice } from '../src/domain/feed/notification-feed.ts'
import { startTestNotificationApp } from '../test/support/test-notification-app.ts'
import type { ClientCommand, ClientReply } from './sse-clients.ts'

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000)
const ROUNDS = 5
const OPEN_BATCH = 250

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const memory = () => {
  gc()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

const t = await startTestNotificationApp({ LOG_LEVEL: 'warn', STREAM_HEARTBEAT_MS: '600000' })
const clients = fork(new URL('./sse-clients.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })
const ask = (command: ClientCommand) =>
  new Promise<ClientReply>((resolve) => {
    clients.once('message', (reply) => resolve(reply as ClientReply))
    clients.send(command)
  })
const receivedSoFar = async () => ((await ask({ type: 'count' })) as { received: number }).received

try {
  const address = new URL(await t.app.listen({ host: '127.0.0.1', port: 0, backlog: 2048 }))
  const userIds = Array.from({ length: STREAMS }, () => randomUUID())
  const { live, feed } = t.app.notificationDomain

  const before = memory()
  const openStarted = Date.now()
  const opened = (await ask({ type: 'open', port: Number(address.port), userIds, batch: OPEN_BATCH })) as {
    failed: number
  }
  const openSeconds = (Date.now() - openStarted) / 1000
  await waitUntil(() => live.size === STREAMS - opened.failed, {
    timeoutMs: 30_000,
    message: 'streams registered',
  })
  const after = memory()
  const perStream = {
    rssBytes: Math.round((after.rss - before.rss) / live.size),
    heapBytes: Math.round((after.heapUsed - before.heapUsed) / live.size),
  }
  console.log(
    `${live.size} streams open in ${openSeconds.toFixed(1)} s (${opened.failed} failed); ` +
      `server memory per stream: ${perStream.rssBytes} B RSS, ${perStream.heapBytes} B heap`,
  )

  const rounds: {
    commitSeconds: number
    seconds: number
    perSecond: number
    fanOutSeconds: number
    fanOutPerSecond: number
  }[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const baseline = await receivedSoFar()
    const notices = userIds.map((userId): Notice => ({
      userId,
      kind: 'DEAL_REMINDER',
      sourceEventId: `bench-round-${round}`,
      title: `Round ${round}: 성주 참외 5kg opens in 1 hour`,
      body: 'A deal on 성주 참외 5kg, which you like, opens soon.',
      data: { round },
    }))
    const started = Date.now()
    await feed.transaction((tx) => feed.notify(tx, notices))
    const committed = Date.now()
    await waitUntil(async () => (await receivedSoFar()) - baseline >= live.size, {
      timeoutMs: 120_000,
      intervalMs: 50,
      message: `round ${round} delivered`,
    })
    const seconds = (Date.now() - started) / 1000
    const fanOutSeconds = (Date.now() - committed) / 1000
    const measured = {
      commitSeconds: (committed - started) / 1000,
      seconds,
      perSecond: Math.round(live.size / seconds),
      fanOutSeconds,
      fanOutPerSecond: Math.round(live.size / fanOutSeconds),
    }
    rounds.push(measured)
    console.log(
      `round ${round}: ${live.size} notifications written in ${measured.commitSeconds.toFixed(2)} s, ` +
        `all delivered after ${seconds.toFixed(2)} s (${measured.perSecond}/s end to end; ` +
        `${measured.fanOutPerSecond}/s from the commit to the streams)`,
    )
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const result = {
    scenario: 'notification SSE fan-out',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    streams: live.size,
    failedToOpen: opened.failed,
    openSeconds,
    streamsOpenedPerSecond: Math.round(live.size / openSeconds),
    serverMemoryPerStream: perStream,
    rounds,
    deliveredPerSecondMedian: median(rounds.map((r) => r.perSecond)),
    fanOutPerSecondMedian: median(rounds.map((r) => r.fanOutPerSecond)),
  }
  console.log(
    `median: ${result.deliveredPerSecondMedian} notifications/s end to end, ` +
      `${result.fanOutPerSecondMedian}/s from the commit to the streams`,
  )
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(new URL('./results/sse-fanout.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`)
} finally {
  clients.send({ type: 'close' } satisfies ClientCommand)
  await t.close()
}
