// Chat fan-out: 1,000 members of one party connected to one replica at 127.0.0.1, then (1) messages
// sent one at a time, each timed from the send to its arrival at the last member, and (2) a burst
// of messages from several members, timed until every member has every one. Prints and writes
// bench/results/chat-fanout.json: connections opened per second, the server's memory per open
// connection, the latency of one message to all, and messages (and deliveries) per second.
// The members run in a child process, so the server's memory and CPU are its own.
import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { waitUntil } from '@deals/messaging/testing'
import { buyerIdentity } from '@deals/contracts/testing'
import { startTestPartyApp } from '../test/support/test-party-app.ts'
import { makeParty } from '../test/support/parties.ts'
import { wsBase } from '../test/support/chat-client.ts'
import type { ClientCommand, ClientReply } from './chat-clients.ts'

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000)
const SENDERS = 10
const BURSTS = 5
const BURST_MESSAGES = 200
const PACED_MESSAGES = 50
const OPEN_BATCH = 100
/** Every wait is bounded: a stuck run fails instead of hanging. */
const TIMEOUT_MS = 60_000

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
/** Memory after garbage collection, with time for freed pages to go back to the system. */
const memory = async () => {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}
const perEach = (from: { rss: number; heapUsed: number }, to: typeof from, count: number) => ({
  rssBytes: Math.round((to.rss - from.rss) / count),
  heapBytes: Math.round((to.heapUsed - from.heapUsed) / count),
})
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!
const median = (values: number[]) => percentile(values, 0.5)
const round1 = (value: number) => Math.round(value * 10) / 10

// Senders are not throttled here: the per-user budget is a rule, not what is measured.
const t = await startTestPartyApp({
  LOG_LEVEL: 'warn',
  CHAT_MESSAGES_PER_SECOND: '1000000',
  CHAT_PING_INTERVAL_MS: '600000',
})
const clients = fork(new URL('./chat-clients.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })
const ask = <R extends ClientReply['type']>(command: ClientCommand) =>
  new Promise<Extract<ClientReply, { type: R }>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`members did not answer ${command.type}`)),
      TIMEOUT_MS * 2,
    )
    clients.once('message', (reply) => {
      clearTimeout(timer)
      resolve(reply as Extract<ClientReply, { type: R }>)
    })
    clients.send(command)
  })

try {
  const base = await wsBase(t.app)
  const { marketId } = await t.market()
  // A party holds at most 50 by its rules; the members past the leader are written directly so that
  // the fan-out is measured at 1,000 (the chat checks only the member rows).
  const party = await makeParty(t, marketId, { capacity: 50 })
  const userIds = Array.from({ length: MEMBERS - 1 }, () => buyerIdentity().userId)
  await t.sql(`INSERT INTO party_members (party_id, user_id) SELECT $1, unnest($2::uuid[])`, [
    party.id,
    userIds,
  ])
  const members = [party.leader.userId, ...userIds].map((userId) => ({ partyId: party.id, userId }))
  const { hub } = t.app.partyChat

  const openStarted = performance.now()
  const opened = await ask<'opened'>({ type: 'open', base, members, batch: OPEN_BATCH })
  const openSeconds = (performance.now() - openStarted) / 1000
  const allConnected = () =>
    waitUntil(() => hub.size === MEMBERS - opened.failed, { timeoutMs: TIMEOUT_MS, message: 'all connected' })
  await allConnected()
  const connections = hub.size
  // Memory is compared in a warm process: all closed, then all open again. Start-up garbage
  // returned to the system during a first run would otherwise hide what the connections take.
  await ask<'disconnected'>({ type: 'disconnect' })
  await waitUntil(() => hub.size === 0, { timeoutMs: TIMEOUT_MS, message: 'all disconnected' })
  const closed = await memory()
  await ask<'opened'>({ type: 'open', base, members, batch: OPEN_BATCH })
  await allConnected()
  const perConnection = perEach(closed, await memory(), connections)
  console.log(
    `${connections} members connected in ${openSeconds.toFixed(1)} s (${opened.failed} failed, history included); ` +
      `server memory per connection: ${perConnection.rssBytes} B RSS, ${perConnection.heapBytes} B heap`,
  )

  const paced = await ask<'paced'>({ type: 'paced', messages: PACED_MESSAGES, timeoutMs: TIMEOUT_MS })
  const latency = {
    p50Ms: round1(median(paced.latenciesMs)),
    p99Ms: round1(percentile(paced.latenciesMs, 0.99)),
    maxMs: round1(Math.max(...paced.latenciesMs)),
  }
  console.log(
    `one message at a time, send to the last of ${connections} members: ` +
      `p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`,
  )

  const bursts: {
    seconds: number
    serverCpuSeconds: number
    membersCpuSeconds: number
    messagesPerSecond: number
    deliveriesPerSecond: number
    complete: boolean
  }[] = []
  for (let i = 1; i <= BURSTS; i++) {
    const cpu = process.cpuUsage()
    const burst = await ask<'burst'>({
      type: 'burst',
      senders: SENDERS,
      messages: BURST_MESSAGES,
      timeoutMs: TIMEOUT_MS,
    })
    const { user, system } = process.cpuUsage(cpu)
    const measured = {
      seconds: burst.seconds,
      serverCpuSeconds: (user + system) / 1e6,
      membersCpuSeconds: burst.cpuSeconds,
      messagesPerSecond: Math.round(BURST_MESSAGES / burst.seconds),
      deliveriesPerSecond: Math.round(burst.delivered / burst.seconds),
      complete: burst.delivered === burst.expected && burst.refused === 0,
    }
    bursts.push(measured)
    console.log(
      `burst ${i}: ${BURST_MESSAGES} messages from ${SENDERS} members reached all ${connections} in ` +
        `${burst.seconds.toFixed(2)} s: ${measured.messagesPerSecond} messages/s, ` +
        `${measured.deliveriesPerSecond} deliveries/s; CPU ${measured.serverCpuSeconds.toFixed(1)} s server, ` +
        `${measured.membersCpuSeconds.toFixed(1)} s members` +
        (measured.complete
          ? ''
          : ` (INCOMPLETE: ${burst.delivered}/${burst.expected}, ${burst.refused} refused)`),
    )
  }

  const stored = await t.sql<{ n: number }>(
    'SELECT count(*)::int AS n FROM party_messages WHERE party_id = $1',
    [party.id],
  )
  // On a shared machine the wall clock mostly measures the other work; the server's own CPU per
  // delivery says what one core of its own would carry.
  const serverCpuPerDelivery =
    bursts.reduce((sum, b) => sum + b.serverCpuSeconds, 0) / (BURSTS * BURST_MESSAGES * connections)
  const result = {
    scenario: 'party chat fan-out',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage1m: round1(loadavg()[0]!) },
    members: connections,
    failedToOpen: opened.failed,
    openSeconds,
    connectionsOpenedPerSecond: Math.round(connections / openSeconds),
    serverMemoryPerConnection: perConnection,
    oneAtATime: { messages: PACED_MESSAGES, ...latency },
    bursts: { senders: SENDERS, messagesEach: BURST_MESSAGES, runs: bursts },
    messagesPerSecondMedian: median(bursts.map((b) => b.messagesPerSecond)),
    deliveriesPerSecondMedian: median(bursts.map((b) => b.deliveriesPerSecond)),
    serverCpuMicrosecondsPerDelivery: round1(serverCpuPerDelivery * 1e6),
    messagesPerServerCoreSecond: Math.round(1 / (serverCpuPerDelivery * connections)),
    allDelivered: bursts.every((b) => b.complete),
    messagesStored: stored[0]!.n,
  }
  console.log(
    `median: ${result.messagesPerSecondMedian} messages/s fanned out to ${connections} members ` +
      `(${result.deliveriesPerSecondMedian} deliveries/s) with the machine's load average at ` +
      `${result.machine.loadAverage1m}; server CPU ${result.serverCpuMicrosecondsPerDelivery} µs per delivery, ` +
      `so ${result.messagesPerServerCoreSecond} messages/s to ${connections} members per core of its own`,
  )
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL('./results/chat-fanout.json', import.meta.url),
    `${JSON.stringify(result, null, 2)}\n`,
  )
} finally {
  clients.send({ type: 'close' } satisfies ClientCommand)
  await t.close()
}
