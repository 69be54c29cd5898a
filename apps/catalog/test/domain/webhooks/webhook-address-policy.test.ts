import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkWebhookUrl, isAllowedAddress } from '../../../src/domain/webhooks/webhook-address-policy.ts'

const production = { production: true }
const development = { production: false }

test('public unicast addresses are allowed; internal networks never are', () => {
  for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])
    assert.equal(isAllowedAddress(production, address), true, address)
  for (const address of [
    '10.0.0.1',
    '172.16.5.4',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    'fd12:3456::1',
    'fe80::1',
    '::',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ]) {
    assert.equal(isAllowedAddress(production, address), false, address)
    assert.equal(isAllowedAddress(development, address), false, address)
  }
})

test('loopback is allowed outside production only', () => {
  for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
    assert.equal(isAllowedAddress(development, address), true, address)
    assert.equal(isAllowedAddress(production, address), false, address)
  }
})

test('production wants https; development takes http too', async () => {
  await assert.rejects(checkWebhookUrl(production, 'http://93.184.216.34/hook'), /https/)
  assert.equal(
    (await checkWebhookUrl(production, 'https://93.184.216.34/hook')).href,
    'https://93.184.216.34/hook',
  )
  assert.equal((await checkWebhookUrl(development, 'http://127.0.0.1:8080/h')).port, '8080')
  await assert.rejects(checkWebhookUrl(development, 'ftp://127.0.0.1/h'), { code: 'WEBHOOK_URL_REFUSED' })
})

test('a host name is judged by what it resolves to', async () => {
  await assert.rejects(checkWebhookUrl(production, 'https://localhost/hook'), { code: 'WEBHOOK_URL_REFUSED' })
  assert.ok(await checkWebhookUrl(development, 'http://localhost/hook'))
  await assert.rejects(checkWebhookUrl(development, 'https://no-such-host.invalid/hook'), /does not resolve/)
})
