// The buyer's side of the provider: a bare page with one button that authorizes the payment and
// shows the pg_token the merchant then approves with (what a real PG would hand back on redirect).
import type { PaymentRecord } from './payment-book.ts'

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!)

export function checkoutPage(payment: PaymentRecord): string {
  const amount = `${payment.total_amount.toLocaleString('ko-KR')}원`
  const action = `/v1/payment/checkout/${encodeURIComponent(payment.tid)}/authorize`
  const open = payment.status === 'READY'
  return `<!doctype html>
<html lang="ko">
<head><meta charset="utf-8"><title>Payment simulator</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
  <p><small>Payment provider simulator: no real money moves here.</small></p>
  <h1>${escape(payment.item_name)}</h1>
  <p><strong>${amount}</strong> · order ${escape(payment.partner_order_id)} · ${payment.status}</p>
  ${open ? '<button id="pay">Approve payment</button>' : ''}
  <pre id="result"></pre>
  <script>
    document.getElementById('pay')?.addEventListener('click', async () => {
      const response = await fetch(${JSON.stringify(action)}, { method: 'POST' })
      document.getElementById('result').textContent = JSON.stringify(await response.json(), null, 2)
    })
  </script>
</body>
</html>
`
}
