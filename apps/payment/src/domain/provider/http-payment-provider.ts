// The PaymentProvider over HTTP (Kakao Pay / Toss style API, as the bundled simulator serves it):
// each attempt has a deadline; timeouts, 5xx and broken connections are retried with backoff under
// the same idempotency key; a 4xx is the provider's definite no.
import {
  ProviderDeclined,
  ProviderUnavailable,
  type ApproveRequest,
  type ApproveResult,
  type CancelRequest,
  type CancelResult,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderPaymentStatus,
  type ReadyRequest,
  type ReadyResult,
} from './payment-provider.ts'

export type ProviderOperation = 'ready' | 'approve' | 'cancel' | 'lookup'
export type ProviderCallOutcome = 'ok' | 'declined' | 'unavailable'

export interface ProviderCall {
  operation: ProviderOperation
  outcome: ProviderCallOutcome
  /** The whole call, retries and backoff included. */
  durationMs: number
  attempts: number
}

export interface HttpPaymentProviderOptions {
  /** The provider's base URL; the API lives under `/v1/payment`. */
  baseUrl: string
  secretKey: string
  /** Deadline of one attempt. Default 3000. */
  timeoutMs?: number
  /** Further attempts after the first one fails for a retryable reason. Default 2. */
  retries?: number
  /** First backoff; doubles per retry, with jitter. Default 100. */
  backoffMs?: number
  /** Called once per operation, for metrics. */
  onCall?: (call: ProviderCall) => void
}

const STATUSES: readonly ProviderPaymentStatus[] = ['READY', 'APPROVED', 'CANCELLED', 'FAILED', 'EXPIRED']

// Answers that say "not now" rather than "no": worth another attempt with the same key.
const RETRYABLE_STATUSES = new Set([408, 425, 429])

export function createHttpPaymentProvider(options: HttpPaymentProviderOptions): PaymentProvider {
  const { secretKey, timeoutMs = 3000, retries = 2, backoffMs = 100, onCall } = options
  const apiUrl = `${options.baseUrl.replace(/\/+$/, '')}/v1/payment`

  /**
   * One operation: attempts until an answer that settles it, then `read` maps the answer. A
   * malformed 2xx is not retried (the same key would replay it) and counts as unavailable.
   */
  async function call<T>(
    operation: ProviderOperation,
    path: string,
    read: (body: Record<string, unknown>) => T,
    // A call with a body is a POST and carries its idempotency key; one without is a GET.
    request: { body: object; idempotencyKey: string } | Record<string, never> = {},
  ): Promise<T> {
    const started = performance.now()
    let attempts = 0
    const finish = (outcome: ProviderCallOutcome) =>
      onCall?.({ operation, outcome, durationMs: performance.now() - started, attempts })
    let lastFailure: unknown
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await backoff(attempt)
      attempts++
      let status: number
      let text: string
      try {
        const response = await fetch(`${apiUrl}${path}`, {
          method: request.body ? 'POST' : 'GET',
          headers: {
            authorization: `SECRET_KEY ${secretKey}`,
            ...(request.body ? { 'content-type': 'application/json' } : {}),
            ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}),
          },
          body: request.body ? JSON.stringify(request.body) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        })
        status = response.status
        text = await response.text()
      } catch (error) {
        // Timed out, never connected or cut off mid-answer: the provider may or may not have acted.
        lastFailure = error
        continue
      }
      const body = parseJson(text)
      if (status >= 500 || RETRYABLE_STATUSES.has(status)) {
        lastFailure = new Error(`provider answered ${status}: ${text.slice(0, 200)}`)
        continue
      }
      if (status >= 400) {
        finish('declined')
        const { code, message } = errorBody(body, status)
        throw new ProviderDeclined(code, message)
      }
      try {
        if (!isObject(body))
          throw new ProviderUnavailable(`provider answered ${status}: ${text.slice(0, 200)}`)
        const result = read(body)
        finish('ok')
        return result
      } catch (error) {
        finish('unavailable')
        throw error
      }
    }
    finish('unavailable')
    throw new ProviderUnavailable(
      `payment provider ${operation} failed after ${attempts} attempt(s): ${(lastFailure as Error)?.message}`,
      { cause: lastFailure },
    )
  }

  function backoff(retry: number): Promise<void> {
    // Equal jitter: at least half the exponential step, so retries of many calls spread out.
    const step = backoffMs * 2 ** (retry - 1)
    return new Promise((resolve) => setTimeout(resolve, step / 2 + Math.random() * (step / 2)))
  }

  return {
    async ready(request: ReadyRequest): Promise<ReadyResult> {
      return call(
        'ready',
        '/ready',
        (body) => ({ tid: string(body, 'tid'), redirectUrl: string(body, 'next_redirect_url') }),
        {
          idempotencyKey: request.idempotencyKey,
          body: {
            partner_order_id: request.paymentId,
            partner_user_id: request.buyerId,
            item_name: request.itemName,
            total_amount: request.amount,
          },
        },
      )
    },

    async approve(request: ApproveRequest): Promise<ApproveResult> {
      return call(
        'approve',
        '/approve',
        (body) => ({
          tid: string(body, 'tid'),
          amount: number(body, 'amount'),
          approvedAt: date(body, 'approved_at'),
        }),
        {
          idempotencyKey: request.idempotencyKey,
          body: { tid: request.tid, pg_token: request.pgToken, total_amount: request.amount },
        },
      )
    },

    async cancel(request: CancelRequest): Promise<CancelResult> {
      return call(
        'cancel',
        '/cancel',
        (body) => ({
          tid: string(body, 'tid'),
          cancelledAmount: number(body, 'cancel_amount'),
          totalCancelledAmount: number(body, 'total_cancelled_amount'),
          cancelledAt: date(body, 'cancelled_at'),
        }),
        {
          idempotencyKey: request.idempotencyKey,
          body: { tid: request.tid, cancel_amount: request.amount, reason: request.reason },
        },
      )
    },

    async lookup(tid: string): Promise<ProviderPayment> {
      return call('lookup', `/order?tid=${encodeURIComponent(tid)}`, (body) => {
        const status = string(body, 'status') as ProviderPaymentStatus
        if (!STATUSES.includes(status))
          throw new ProviderUnavailable(`provider reported unknown status ${status}`)
        return {
          tid: string(body, 'tid'),
          paymentId: string(body, 'partner_order_id'),
          status,
          amount: number(body, 'total_amount'),
          cancelledAmount: number(body, 'cancelled_amount'),
          approvedAt: body.approved_at === null ? null : date(body, 'approved_at'),
        }
      })
    },
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describe(body: unknown): string {
  return JSON.stringify(body)?.slice(0, 200) ?? String(body)
}

function errorBody(body: unknown, status: number): { code: string; message: string } {
  const code = isObject(body) && typeof body.code === 'string' ? body.code : `HTTP_${status}`
  const message =
    isObject(body) && typeof body.message === 'string' ? body.message : `provider answered ${status}`
  return { code, message }
}

// A 2xx missing a field means the call happened but its result is unreadable: unknown, not declined.
function field(body: Record<string, unknown>, name: string, type: 'string' | 'number'): unknown {
  const value = body[name]
  if (typeof value !== type)
    throw new ProviderUnavailable(`provider answer lacks ${type} ${name}: ${describe(body)}`)
  return value
}

const string = (body: Record<string, unknown>, name: string) => field(body, name, 'string') as string
const number = (body: Record<string, unknown>, name: string) => field(body, name, 'number') as number

function date(body: Record<string, unknown>, name: string): Date {
  const value = new Date(string(body, name))
  if (Number.isNaN(value.getTime())) throw new ProviderUnavailable(`provider answer has a bad ${name}`)
  return value
}
