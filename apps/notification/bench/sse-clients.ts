// The client side of the SSE fan-out benchmark, in a process of its own (file descriptors: the
// server's sockets and these are counted apart). Opens one raw HTTP stream per user as the
// gateway would forward it and counts the notification events each receives; driven over IPC.
import { connect, type Socket } from 'node:net'
import type { Identity } from '@deals/contracts'
import { gatewayHeaders } from '@deals/service-kit/testing'

export type ClientCommand =
  { type: 'open'; port: number; userIds: string[]; batch: number } | { type: 'count' } | { type: 'close' }
export type ClientReply = { type: 'opened'; failed: number } | { type: 'count'; received: number }

const MARKER = 'event: notification'
const sockets: Socket[] = []
let received = 0

function openOne(port: number, userId: string): Promise<boolean> {
  const identity: Identity = { userId, roles: ['BUYER'] }
  const headers = Object.entries(gatewayHeaders(identity))
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let live = false
    let tail = ''
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`GET /stream HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}\r\n`))
    socket.on('data', (chunk: string) => {
      const text = tail + chunk
      // Markers split across chunks are found through the kept tail.
      let at = text.indexOf(MARKER)
      while (at >= 0) {
        if (at + MARKER.length > tail.length) received++
        at = text.indexOf(MARKER, at + 1)
      }
      tail = text.slice(-MARKER.length)
      if (!live && text.includes('retry: ')) {
        live = true
        resolve(true)
      }
    })
    socket.on('error', () => resolve(false))
    socket.on('close', () => resolve(live))
    sockets.push(socket)
  })
}

process.on('message', async (command: ClientCommand) => {
  if (command.type === 'open') {
    let failed = 0
    for (let i = 0; i < command.userIds.length; i += command.batch) {
      const results = await Promise.all(
        command.userIds.slice(i, i + command.batch).map((u) => openOne(command.port, u)),
      )
      failed += results.filter((ok) => !ok).length
    }
    process.send!({ type: 'opened', failed } satisfies ClientReply)
  } else if (command.type === 'count') {
    process.send!({ type: 'count', received } satisfies ClientReply)
  } else {
    for (const socket of sockets) socket.destroy()
    process.exit(0)
  }
})
