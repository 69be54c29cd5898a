// The member side of the chat fan-out benchmark, in a process of its own (its CPU and sockets are
// counted apart from the server's). Opens one WebSocket per member as the gateway would forward
// it, counts each bench message as members receive it, and sends on command; driven over IPC.
import WebSocket from 'ws'
import { gatewayHeaders } from '@deals/service-kit/testing'

export type ClientCommand =
  | { type: 'open'; base: string; members: { partyId: string; userId: string }[]; batch: number }
  | { type: 'burst'; senders: number; messages: number; timeoutMs: number }
  | { type: 'paced'; messages: number; timeoutMs: number }
  | { type: 'disconnect' }
  | { type: 'close' }
export type ClientReply =
  | { type: 'disconnected' }
  | { type: 'opened'; failed: number }
  | {
      type: 'burst'
      seconds: number
      delivered: number
      expected: number
      refused: number
      cpuSeconds: number
    }
  | { type: 'paced'; latenciesMs: number[] }

interface Member {
  socket: WebSocket
  partyId: string
}

const TEXT = /"text":"(bench [^"]*)"/
const members: Member[] = []
/** Per bench text: how many members have it, and who waits for it to reach them all. */
const arrivals = new Map<string, number>()
const waiters = new Map<string, () => void>()
let refused = 0
let audience = 0

function arrived(text: string): void {
  const count = (arrivals.get(text) ?? 0) + 1
  arrivals.set(text, count)
  if (count === audience) waiters.get(text)?.()
}

function openOne(base: string, partyId: string, userId: string): Promise<boolean> {
  const socket = new WebSocket(`${base}/parties/${partyId}/chat`, {
    headers: gatewayHeaders({ userId, roles: ['BUYER'] }),
    perMessageDeflate: false,
  })
  return new Promise((resolve) => {
    socket.on('message', (data) => {
      const frame = String(data)
      if (frame.startsWith('{"type":"history"')) return resolve(true)
      if (frame.startsWith('{"type":"error"')) return void refused++
      const text = TEXT.exec(frame)?.[1]
      if (text) arrived(text)
    })
    socket.on('error', () => resolve(false))
    socket.on('close', () => resolve(false))
    members.push({ socket, partyId })
  })
}

/** Resolves once `text` has reached every member of the (one) party, or rejects after the timeout. */
function reachedAll(text: string, timeoutMs: number): Promise<void> {
  if ((arrivals.get(text) ?? 0) >= audience) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`"${text}" reached ${arrivals.get(text) ?? 0}`)),
      timeoutMs,
    )
    waiters.set(text, () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

async function burst(senders: number, messages: number, timeoutMs: number) {
  const texts = Array.from({ length: messages }, (_, i) => `bench burst ${Date.now()} ${i}`)
  const done = Promise.allSettled(texts.map((text) => reachedAll(text, timeoutMs)))
  const started = performance.now()
  texts.forEach((text, i) => members[i % senders]!.socket.send(JSON.stringify({ text })))
  await done
  const seconds = (performance.now() - started) / 1000
  const delivered = texts.reduce((sum, text) => sum + (arrivals.get(text) ?? 0), 0)
  return { seconds, delivered, expected: messages * audience }
}

process.on('message', async (command: ClientCommand) => {
  if (command.type === 'open') {
    let failed = 0
    for (let i = 0; i < command.members.length; i += command.batch) {
      const batch = command.members.slice(i, i + command.batch)
      const results = await Promise.all(batch.map((m) => openOne(command.base, m.partyId, m.userId)))
      failed += results.filter((ok) => !ok).length
    }
    audience = members.length - failed
    process.send!({ type: 'opened', failed } satisfies ClientReply)
  } else if (command.type === 'burst') {
    const before = refused
    const cpu = process.cpuUsage()
    const { seconds, delivered, expected } = await burst(command.senders, command.messages, command.timeoutMs)
    const { user, system } = process.cpuUsage(cpu)
    process.send!({
      type: 'burst',
      seconds,
      delivered,
      expected,
      refused: refused - before,
      cpuSeconds: (user + system) / 1e6,
    } satisfies ClientReply)
  } else if (command.type === 'paced') {
    const latenciesMs: number[] = []
    for (let i = 0; i < command.messages; i++) {
      const text = `bench paced ${Date.now()} ${i}`
      const started = performance.now()
      const done = reachedAll(text, command.timeoutMs)
      members[i % members.length]!.socket.send(JSON.stringify({ text }))
      await done
      latenciesMs.push(performance.now() - started)
    }
    process.send!({ type: 'paced', latenciesMs } satisfies ClientReply)
  } else if (command.type === 'disconnect') {
    await Promise.all(
      members.map(
        ({ socket }) =>
          new Promise((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve(undefined)
            socket.once('close', resolve)
            socket.close()
          }),
      ),
    )
    members.length = 0
    process.send!({ type: 'disconnected' } satisfies ClientReply)
  } else {
    for (const { socket } of members) socket.terminate()
    process.exit(0)
  }
})
