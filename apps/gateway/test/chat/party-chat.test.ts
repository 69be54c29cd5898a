// The party chat as a browser uses it: the real gateway and the real party service, each in its own
// process as `npm start` runs them, tokens signed by a stand-in for auth. A browser cannot set
// headers on a WebSocket, so the token rides among the offered subprotocols (`bearer.<jwt>`); the
// gateway verifies it, forwards only the signed identity, and neither process ever logs it.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import pg from 'pg'
import { marketCreatedV1 } from '@deals/contracts'
import { assertEventExchange, DEFAULT_EXCHANGE, openAmqpConnection } from '@deals/messaging'
import { waitUntil } from '@deals/messaging/testing'
import { TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import {
  createRedisPrefix,
  createTestDatabase,
  createTestVhost,
  type TestDatabase,
  type TestRedis,
  type TestVhost,
} from '@deals/testing'
import { startAuthDouble, type AuthDouble, type SigningKey } from '../support/auth-double.ts'
import { deadUrl } from '../support/gateway.ts'
import { signToken, TEST_AUDIENCE, TEST_ISSUER } from '../support/tokens.ts'
import { startServiceProcess, type ServiceProcess } from './service-process.ts'

const PARTY_MIGRATIONS = fileURLToPath(new URL('../../../party/prisma/migrations', import.meta.url))
const CHAT_PROTOCOL = 'party-chat'

interface ChatEvent {
  type: 'history' | 'message' | 'error'
  messages?: { id: string; senderId: string; text: string }[]
  message?: { id: string; senderId: string; text: string }
  code?: string
}

interface Member {
  userId: string
  token: string
}

interface BrowserChat {
  socket: WebSocket
  events: ChatEvent[]
  closed: Promise<{ code: number; reason: string }>
  waitFor(match: (e: ChatEvent) => boolean): Promise<ChatEvent>
}

describe(
  'party chat through the gateway, authenticated at the handshake like a browser',
  { timeout: 120_000 },
  () => {
    let auth: AuthDouble
    let key: SigningKey
    let database: TestDatabase
    let redis: TestRedis
    let vhost: TestVhost
    let party: ServiceProcess
    let gateway: ServiceProcess
    let wsBase: string
    const tokens: string[] = []
    const sockets: WebSocket[] = []

    async function member(): Promise<Member> {
      const userId = randomUUID()
      const token = await signToken(key, { sub: userId, roles: ['BUYER'] })
      tokens.push(token)
      return { userId, token }
    }

    interface Answer {
      status: number
      type: string | null
      body: { id: string; code?: string; items: { text: string }[] }
    }

    async function api(method: string, path: string, as: Member, body?: unknown): Promise<Answer> {
      const response = await fetch(`${gateway.url}/api/party${path}`, {
        method,
        headers: {
          authorization: `Bearer ${as.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: (await response.json()) as Answer['body'],
      }
    }

    /** What `new WebSocket(url, ['party-chat', 'bearer.' + token])` does in a browser. */
    function browserChat(partyId: string, protocols: string[], query = ''): BrowserChat {
      const socket = new WebSocket(`${wsBase}/api/party/parties/${partyId}/chat${query}`, protocols)
      sockets.push(socket)
      const events: ChatEvent[] = []
      socket.on('message', (data) => events.push(JSON.parse(String(data)) as ChatEvent))
      socket.on('error', () => {})
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      )
      return {
        socket,
        events,
        closed,
        async waitFor(match) {
          await waitUntil(() => events.some(match), {
            message: `chat event (have ${JSON.stringify(events)})`,
          })
          return events.find(match)!
        },
      }
    }

    /** The HTTP answer to a handshake that was refused; a socket that opens fails the test. */
    async function refusal(chat: BrowserChat): Promise<Answer> {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        chat.socket.once('unexpected-response', (_request, res) => resolve(res))
        chat.socket.once('open', () => reject(new Error('the socket opened')))
      })
      let text = ''
      for await (const chunk of response) text += String(chunk)
      chat.socket.terminate()
      return {
        status: response.statusCode ?? 0,
        type: response.headers['content-type'] ?? null,
        body: JSON.parse(text) as Answer['body'],
      }
    }

    const memberChat = (partyId: string, as: Member) =>
      browserChat(partyId, [CHAT_PROTOCOL, `bearer.${as.token}`])
    const opened = (chat: BrowserChat) =>
      new Promise<void>((resolve, reject) => chat.socket.once('open', resolve).once('error', reject))
    const say = (chat: BrowserChat, text: string) => chat.socket.send(JSON.stringify({ text }))
    const refusalsLogged = (code: string) => party.output.filter((l) => l.includes(`"code":"${code}"`)).length
    const isMessage = (text: string) => (e: ChatEvent) => e.type === 'message' && e.message?.text === text

    before(async () => {
      ;[auth, database, vhost] = await Promise.all([
        startAuthDouble(),
        createTestDatabase({ prefix: 'gwchat', migrationsDir: PARTY_MIGRATIONS }),
        createTestVhost('gwchat'),
      ])
      redis = createRedisPrefix('gwchat')
      key = await auth.addKey()
      party = await startServiceProcess('party', {
        LOG_LEVEL: 'debug',
        GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}party:`,
        AMQP_URL: vhost.url,
      })
      const nowhere = await deadUrl()
      gateway = await startServiceProcess('gateway', {
        LOG_LEVEL: 'debug',
        GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}gw:`,
        JWT_ISSUER: TEST_ISSUER,
        JWT_AUDIENCE: TEST_AUDIENCE,
        SERVICE_AUTH_URL: auth.url,
        SERVICE_PARTY_URL: party.url,
        ...Object.fromEntries(
          ['catalog', 'order', 'payment', 'queue', 'notification'].map((s) => [
            `SERVICE_${s.toUpperCase()}_URL`,
            nowhere,
          ]),
        ),
      })
      wsBase = gateway.url.replace('http', 'ws')
    })

    after(async () => {
      for (const socket of sockets) socket.terminate()
      await Promise.all([gateway?.stop(), party?.stop()])
      await auth?.close()
      await Promise.all([database?.drop(), vhost?.drop(), redis?.cleanup()])
    })

    /** A market as the catalog announces it, once the party service has it. */
    async function market(): Promise<string> {
      const marketId = randomUUID()
      const connection = await openAmqpConnection({ url: vhost.url, name: 'gateway-chat-test' })
      const channel = await (await connection.ready()).createConfirmChannel()
      const db = new pg.Client({ connectionString: database.url })
      await db.connect()
      try {
        await assertEventExchange(channel, DEFAULT_EXCHANGE)
        const id = randomUUID()
        const envelope = {
          id,
          name: marketCreatedV1.name,
          occurredAt: new Date().toISOString(),
          producer: 'catalog',
          payload: {
            marketId,
            name: '망원시장',
            address: '서울 마포구 포은로 8길 14',
            lat: 37.5559,
            lng: 126.9063,
          },
        }
        // Published again (same id, so counted once) until the consumer's queue has taken it.
        await waitUntil(
          async () => {
            channel.publish(DEFAULT_EXCHANGE, envelope.name, Buffer.from(JSON.stringify(envelope)), {
              messageId: id,
              type: envelope.name,
              persistent: true,
              contentType: 'application/json',
            })
            await channel.waitForConfirms()
            await new Promise((resolve) => setTimeout(resolve, 200))
            return (await db.query('SELECT 1 FROM markets WHERE id = $1', [marketId])).rowCount === 1
          },
          { timeoutMs: 15_000, message: 'market replicated to the party service' },
        )
      } finally {
        await db.end()
        await channel.close().catch(() => {})
        await connection.close()
      }
      return marketId
    }

    let partyId: string
    let leader: Member
    let buyer: Member

    test('a party is opened and joined through the gateway', async () => {
      const marketId = await market()
      ;[leader, buyer] = await Promise.all([member(), member()])
      const now = Date.now()
      const created = await api('POST', '/parties', leader, {
        marketId,
        title: '대파 한 단 나눠요',
        itemName: '대파',
        capacity: 4,
        pricePerPerson: 1_500,
        deadline: new Date(now + 3_600_000).toISOString(),
        meetAt: new Date(now + 7_200_000).toISOString(),
      })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      partyId = created.body.id
      const joined = await api('POST', `/parties/${partyId}/join`, buyer)
      assert.equal(joined.status, 200, JSON.stringify(joined.body))
    })

    test('two members chat through the gateway; the one who comes later gets the history first', async () => {
      const first = memberChat(partyId, leader)
      await opened(first)
      assert.equal(
        first.socket.protocol,
        CHAT_PROTOCOL,
        'the agreed subprotocol is the chat’s, never the token',
      )
      await first.waitFor((e) => e.type === 'history')
      say(first, '몇 시에 만나요?')
      const own = await first.waitFor(isMessage('몇 시에 만나요?'))
      assert.equal(own.message!.senderId, leader.userId, 'the gateway forwarded the token’s subject')

      const second = memberChat(partyId, buyer)
      await opened(second)
      const history = await second.waitFor((e) => e.type === 'history')
      assert.deepEqual(
        history.messages!.map((m) => [m.senderId, m.text]),
        [[leader.userId, '몇 시에 만나요?']],
      )

      say(second, '3시 정문에서요')
      const heard = await first.waitFor(isMessage('3시 정문에서요'))
      assert.equal(heard.message!.senderId, buyer.userId)
      await second.waitFor(isMessage('3시 정문에서요'))
      assert.equal(
        second.events.filter((e) => e.type === 'message').length,
        1,
        'history is not repeated live',
      )

      const page = await api('GET', `/parties/${partyId}/messages`, buyer)
      assert.equal(page.status, 200)
      assert.deepEqual(
        page.body.items.map((m) => m.text),
        ['3시 정문에서요', '몇 시에 만나요?'],
      )
    })

    test('a signed-in non-member is refused the chat as forbidden, as the party service refuses it, and the history stays closed', async () => {
      const stranger = await member()
      const refusals = refusalsLogged('NOT_A_MEMBER')
      const refused = await refusal(memberChat(partyId, stranger))
      assert.equal(refused.status, 403)
      assert.match(refused.type ?? '', /application\/problem\+json/)
      assert.equal(refused.body.code, 'NOT_A_MEMBER')
      await waitUntil(() => refusalsLogged('NOT_A_MEMBER') === refusals + 1, {
        message: 'the party service refused the handshake',
      })

      const page = await api('GET', `/parties/${partyId}/messages`, stranger)
      assert.equal(page.status, 403)
      assert.match(page.type ?? '', /application\/problem\+json/)
      assert.equal(page.body.code, 'NOT_A_MEMBER')
    })

    test('a bad token is refused by the gateway before any upgrade; no token, by the party service', async () => {
      const forged = await refusal(
        browserChat(partyId, [CHAT_PROTOCOL, `bearer.${leader.token.slice(0, -4)}AAAA`]),
      )
      assert.equal(forged.status, 401)

      const refusals = refusalsLogged('UNAUTHENTICATED')
      const anonymous = await refusal(browserChat(partyId, [CHAT_PROTOCOL]))
      assert.equal(anonymous.status, 401)
      assert.equal(anonymous.body.code, 'UNAUTHENTICATED')
      await waitUntil(() => refusalsLogged('UNAUTHENTICATED') === refusals + 1, {
        message: 'the party service refused the anonymous handshake',
      })
    })

    test('a token in access_token works too and is kept out of the forwarded URL', async () => {
      const chat = browserChat(partyId, [], `?access_token=${buyer.token}`)
      await opened(chat)
      await chat.waitFor((e) => e.type === 'history')
      chat.socket.close()
    })

    test('a member who leaves the party is disconnected through the gateway with 4403', async () => {
      const chat = memberChat(partyId, buyer)
      await opened(chat)
      await chat.waitFor((e) => e.type === 'history')
      const left = await api('POST', `/parties/${partyId}/leave`, buyer)
      assert.equal(left.status, 200)
      assert.equal((await chat.closed).code, 4403)
    })

    test('no token ever appears in either process’s logs', async () => {
      // Let the last lines of the closing sockets be written.
      await new Promise((resolve) => setTimeout(resolve, 300))
      const logs = [...gateway.output, ...party.output].join('\n')
      assert.ok(gateway.output.length > 0 && party.output.length > 0, 'both processes logged at debug level')
      assert.ok(logs.includes(`/parties/${partyId}/chat`), 'the chat handshakes were logged')
      for (const token of tokens) {
        assert.ok(!logs.includes(token), 'a token is in the logs')
        assert.ok(!logs.includes(token.split('.')[2]!), 'a token signature is in the logs')
      }
    })
  },
)
