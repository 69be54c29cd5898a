// Fetches one page of the item source with a time limit, retrying a failed attempt (network
// error, time-out, 5xx, 408 or 429, a body that is not a page) with a growing pause.
import { readSourcePage, SourcePageError, type SourcePage } from './source-page.ts'

export interface FetchPolicy {
  /** Attempts per page before the import fails (default 3). */
  attempts: number
  timeoutMs: number
  /** Pause before the second attempt, doubled before each later one. */
  backoffMs: number
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = { attempts: 3, timeoutMs: 10_000, backoffMs: 300 }

/** A page that failed every attempt: the import fails with this message. */
export class PageFetchFailed extends Error {
  override name = 'PageFetchFailed'
  constructor(
    readonly pageNo: number,
    attempts: number,
    cause: string,
  ) {
    super(`page ${pageNo} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause}`)
  }
}

export function pageUrl(sourceUrl: string, pageNo: number, pageSize: number): string {
  const url = new URL(sourceUrl)
  url.searchParams.set('pageNo', String(pageNo))
  url.searchParams.set('numOfRows', String(pageSize))
  return url.toString()
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })

async function fetchOnce(url: string, timeoutMs: number, signal: AbortSignal): Promise<SourcePage> {
  let response: Response
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    })
  } catch (error) {
    signal.throwIfAborted()
    const timedOut = (error as Error).name === 'TimeoutError'
    throw new SourcePageError(
      timedOut ? `no answer within ${timeoutMs} ms` : `request failed (${(error as Error).message})`,
    )
  }
  if (!response.ok) {
    await response.body?.cancel()
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429
    throw new SourcePageError(`the source answered HTTP ${response.status}`, retryable)
  }
  let json: unknown
  try {
    json = await response.json()
  } catch {
    throw new SourcePageError('the response is not JSON')
  }
  return readSourcePage(json)
}

/** The page, or PageFetchFailed once every attempt failed; `signal` stops it between and during attempts. */
export async function fetchPage(
  sourceUrl: string,
  pageNo: number,
  pageSize: number,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<SourcePage> {
  const url = pageUrl(sourceUrl, pageNo, pageSize)
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(url, policy.timeoutMs, signal)
    } catch (error) {
      if (!(error instanceof SourcePageError)) throw error
      if (attempt >= policy.attempts || !error.retryable)
        throw new PageFetchFailed(pageNo, attempt, error.message)
      await sleep(policy.backoffMs * 2 ** (attempt - 1), signal)
    }
  }
}
