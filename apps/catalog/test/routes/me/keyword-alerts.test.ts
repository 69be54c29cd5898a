import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { matchKeywordAlerts } from '../../../src/domain/keyword-alerts/match-keyword-alerts.ts'

describe('keyword alerts', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  const add = (as: ReturnType<typeof buyerIdentity>, keyword: string) =>
    call('POST', '/me/keyword-alerts', { as, body: { keyword } })

  test('a keyword is kept trimmed and matched lower-cased; adding it again answers the same alert', async () => {
    const buyer = buyerIdentity()
    const created = await add(buyer, '  Galaxy   S25 ')
    assert.equal(created.statusCode, 201)
    assert.equal(created.json().keyword, 'Galaxy   S25')
    assert.equal(created.json().normalized, 'galaxy s25')

    const again = await add(buyer, 'galaxy s25')
    assert.equal(again.statusCode, 200)
    assert.equal(again.json().id, created.json().id)

    const listed = (await call('GET', '/me/keyword-alerts', { as: buyer })).json()
    assert.deepEqual(
      listed.items.map((a: { id: string }) => a.id),
      [created.json().id],
    )
  })

  test('at most 20 per user, even when added at the same time', async () => {
    const buyer = buyerIdentity()
    const responses = await Promise.all(Array.from({ length: 25 }, (_, i) => add(buyer, `키워드 ${i}`)))
    const codes = responses.map((r) => r.statusCode)
    assert.equal(codes.filter((c) => c === 201).length, 20)
    const refused = responses.filter((r) => r.statusCode === 409)
    assert.equal(refused.length, 5)
    assert.equal(refused[0]!.json().code, 'KEYWORD_ALERT_LIMIT_REACHED')
    assert.equal((await call('GET', '/me/keyword-alerts', { as: buyer })).json().items.length, 20)
  })

  test('only the owner removes an alert', async () => {
    const owner = buyerIdentity()
    const alert = (await add(owner, '사과')).json()
    const other = await call('DELETE', `/me/keyword-alerts/${alert.id}`, { as: buyerIdentity() })
    assert.equal(other.statusCode, 404)
    assert.equal(other.json().code, 'KEYWORD_ALERT_NOT_FOUND')
    assert.equal((await call('DELETE', `/me/keyword-alerts/${alert.id}`, { as: owner })).statusCode, 204)
    assert.equal((await call('DELETE', `/me/keyword-alerts/${alert.id}`, { as: owner })).statusCode, 404)
    assert.deepEqual((await call('GET', '/me/keyword-alerts', { as: owner })).json().items, [])
  })

  test('keywords must be 1 to 40 characters; anonymous callers are refused', async () => {
    const buyer = buyerIdentity()
    for (const keyword of ['', '   ', 'x'.repeat(41), 'tab\there'])
      assert.equal((await add(buyer, keyword)).statusCode, 400, JSON.stringify(keyword))
    assert.equal((await call('GET', '/me/keyword-alerts')).statusCode, 401)
    assert.equal((await call('DELETE', `/me/keyword-alerts/${randomUUID()}`)).statusCode, 401)
  })

  test('matchKeywordAlerts finds the alerts whose keyword occurs in a text', async () => {
    const [a, b, c] = [buyerIdentity(), buyerIdentity(), buyerIdentity()]
    const apple = (await add(a, '사과')).json()
    const organic = (await add(b, 'Organic  사과')).json()
    await add(c, '바나나')
    const matches = await matchKeywordAlerts(t.app.catalogDb, '[특가] ORGANIC 사과 5kg')
    const mine = matches.filter((m) => [apple.id, organic.id].includes(m.alertId))
    assert.deepEqual(mine.map((m) => m.alertId).sort(), [apple.id, organic.id].sort())
    assert.deepEqual(
      mine.find((m) => m.alertId === apple.id),
      { alertId: apple.id, userId: a.userId, keyword: '사과' },
    )
    assert.ok(!matches.some((m) => m.userId === c.userId))
    assert.deepEqual(await matchKeywordAlerts(t.app.catalogDb, '   '), [])
  })
})
