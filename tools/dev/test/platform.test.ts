// The README's first command, end to end: the orchestrator brings the platform up from the
// committed code (migrations, mail sink, every service, demo seed), the auth story works
// through the gateway, and a signal stops everything cleanly. It runs beside any developer's
// copy on shifted ports, with its own databases and Redis prefix, and removes them after.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { createRedisPrefix, uniqueName } from '@deals/testing'

const offset = 20_000 + Math.floor(Math.random() * 400) * 10
const gateway = `http://127.0.0.1:${8080 + offset}`
const mailSink = `http://127.0.0.1:${8025 + offset}`
const authDirect = `http://127.0.0.1:${3001 + offset}`
const dbPrefix = uniqueName('t_dev')
const redis = createRedisPrefix('dev')

let platform: ChildProcess
let exitCode: Promise<number | null>
const output: string[] = []

async function api(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : {},
  }
}

async function latestLink(email: string): Promise<URL> {
  for (let i = 0; i < 60; i++) {
    const messages = (await (await fetch(`${mailSink}/messages?to=${encodeURIComponent(email)}`)).json()) as {
      text: string
    }[]
    const link = /https?:\/\/\S+\/verify\?token=[\w-]+/.exec(messages[0]?.text ?? '')?.[0]
    if (link) return new URL(link)
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`no verification mail for ${email}`)
}

describe('npm start', { timeout: 240_000 }, () => {
  before(async () => {
    platform = spawn(process.execPath, ['--import', 'tsx', 'tools/dev/src/start.ts'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        DEV_PORT_OFFSET: String(offset),
        DEV_DB_PREFIX: dbPrefix,
        DEV_REDIS_PREFIX: redis.prefix,
        DEV_QUIET: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    exitCode = new Promise((resolve) => platform.once('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`platform not up in time:\n${output.join('\n')}`)),
        180_000,
      )
      for (const stream of [platform.stdout!, platform.stderr!])
        createInterface({ input: stream }).on('line', (line) => {
          output.push(line)
          if (line.includes('The platform is up')) {
            clearTimeout(timer)
            resolve()
          }
        })
      void exitCode.then((code) => reject(new Error(`platform exited with ${code}:\n${output.join('\n')}`)))
    })
  })

  after(async () => {
    if (platform.exitCode === null) {
      platform.kill('SIGKILL')
      await exitCode
    }
    const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' })
    await admin.connect()
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${dbPrefix}_%`],
    )
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
    await admin.end()
    await redis.cleanup()
  })

  test('prints the gateway, the docs and the demo logins, and the gateway is ready', async () => {
    const text = output.join('\n')
    assert.match(text, new RegExp(`Gateway\\s+${gateway}`))
    assert.match(text, /API docs\s+\S+\/docs/)
    assert.match(text, /buyer@deals\.local/)
    assert.equal((await fetch(`${gateway}/readyz`)).status, 200)
    const docs = await api('GET', '/docs/json')
    assert.equal(docs.status, 200)
    assert.ok(
      Object.keys(docs.body.paths).some((p) => p.startsWith('/api/auth/')),
      'auth paths in the docs',
    )
  })

  test('through the gateway: signup, mail, verify, login, me, refresh rotation, reuse detection, logout', async () => {
    const email = `${uniqueName('flow')}@example.com`
    const password = 'correct horse battery'
    const signup = await api('POST', '/api/auth/signup', { email, password, name: 'Flow Tester' })
    assert.equal(signup.status, 201)

    const refused = await api('POST', '/api/auth/login', { email, password })
    assert.equal(refused.status, 403, 'an unverified account cannot log in')
    assert.equal(refused.body.code, 'EMAIL_NOT_VERIFIED')

    const link = await latestLink(email)
    assert.equal((await api('GET', `/api/auth/verify${link.search}`)).status, 200)

    const login = await api('POST', '/api/auth/login', { email, password, deviceId: 'phone-1' })
    assert.equal(login.status, 200)
    const me = await api('GET', '/api/auth/me', undefined, login.body.accessToken)
    assert.equal(me.status, 200)
    assert.equal(me.body.email, email)
    assert.deepEqual(me.body.roles, ['BUYER'])

    const first = await api('POST', '/api/auth/refresh', { refreshToken: login.body.refreshToken })
    assert.equal(first.status, 200)
    assert.notEqual(first.body.refreshToken, login.body.refreshToken, 'the refresh token rotates')

    const reused = await api('POST', '/api/auth/refresh', { refreshToken: login.body.refreshToken })
    assert.equal(reused.status, 401)
    assert.equal(reused.body.code, 'REFRESH_TOKEN_REUSED')
    const afterReuse = await api('POST', '/api/auth/refresh', { refreshToken: first.body.refreshToken })
    assert.equal(afterReuse.status, 401, 'reuse revoked the whole family, the newest token too')

    const second = await api('POST', '/api/auth/login', { email, password, deviceId: 'phone-1' })
    assert.equal(
      (await api('POST', '/api/auth/logout', { refreshToken: second.body.refreshToken })).status,
      204,
    )
    assert.equal(
      (await api('POST', '/api/auth/refresh', { refreshToken: second.body.refreshToken })).status,
      401,
    )
  })

  test('a service called around the gateway answers 401', async () => {
    const res = await fetch(`${authDirect}/me`, {
      headers: { 'x-user-id': '00000000-0000-4000-8000-000000000000', 'x-user-roles': 'ADMIN' },
    })
    assert.equal(res.status, 401)
  })

  test('the demo seller was approved by the seed', async () => {
    const login = await api('POST', '/api/auth/login', {
      email: 'seller@deals.local',
      password: 'demo-password-1234',
    })
    assert.equal(login.status, 200)
    const me = await api('GET', '/api/auth/me', undefined, login.body.accessToken)
    assert.ok(me.body.roles.includes('SELLER'))
  })

  test('a signal stops every process cleanly', async () => {
    platform.kill('SIGINT')
    assert.equal(await exitCode, 0)
    await assert.rejects(fetch(`${gateway}/healthz`, { signal: AbortSignal.timeout(2_000) }))
    await assert.rejects(fetch(`${authDirect}/healthz`, { signal: AbortSignal.timeout(2_000) }))
  })
})
