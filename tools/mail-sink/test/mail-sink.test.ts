import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import nodemailer from 'nodemailer'
import { startMailSink, type CapturedMessage, type MailSink } from '../src/index.ts'

let sink: MailSink

async function send(mail: { to: string; subject: string; text: string; html?: string }): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.smtpPort,
    secure: false,
    ignoreTLS: true,
  })
  try {
    await transport.sendMail({ from: '"Deals" <no-reply@deals.test>', ...mail })
  } finally {
    transport.close()
  }
}

function get(path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${sink.httpPort}${path}`)
}

before(async () => {
  sink = await startMailSink({ smtpPort: 0, httpPort: 0 })
})

after(async () => {
  await sink.close()
})

test('a mail sent over SMTP is read back by its recipient, newest first', async () => {
  await send({
    to: 'buyer@deals.test',
    subject: 'Verify your email',
    text: 'token=abc',
    html: '<p>token=abc</p>',
  })
  await send({ to: 'someone-else@deals.test', subject: 'Not yours', text: '' })
  await send({ to: 'buyer@deals.test', subject: 'Your order is paid', text: 'order 42' })

  const response = await get('/messages?to=buyer@deals.test')
  assert.equal(response.status, 200)
  const messages = (await response.json()) as CapturedMessage[]

  assert.deepEqual(
    messages.map((m) => m.subject),
    ['Your order is paid', 'Verify your email'],
  )
  const [, verification] = messages
  assert.deepEqual(verification!.to, ['buyer@deals.test'])
  assert.equal(verification!.from, 'no-reply@deals.test')
  assert.equal(verification!.text.trim(), 'token=abc')
  assert.equal(verification!.html?.trim(), '<p>token=abc</p>')
  assert.ok(!Number.isNaN(Date.parse(verification!.receivedAt)))
  assert.notEqual(messages[0]!.id, verification!.id)
})

test('the recipient filter ignores case and limit keeps the newest', async () => {
  const response = await get('/messages?to=BUYER@Deals.Test&limit=1')
  const messages = (await response.json()) as CapturedMessage[]

  assert.deepEqual(
    messages.map((m) => m.subject),
    ['Your order is paid'],
  )
})

test('a `to` that is not an email address is a 400 problem+json', async () => {
  const response = await get('/messages?to=not-an-address')

  assert.equal(response.status, 400)
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/)
  const problem = (await response.json()) as Record<string, unknown>
  assert.equal(problem.status, 400)
  assert.equal(problem.code, 'INVALID_QUERY')
  for (const field of ['type', 'title', 'detail']) assert.equal(typeof problem[field], 'string', field)
})

test('DELETE /messages forgets everything captured', async () => {
  const cleared = await fetch(`http://127.0.0.1:${sink.httpPort}/messages`, { method: 'DELETE' })
  assert.equal(cleared.status, 204)

  assert.deepEqual(await (await get('/messages')).json(), [])
})

test('healthz answers while the sink runs', async () => {
  const response = await get('/healthz')

  assert.equal(response.status, 200)
})
