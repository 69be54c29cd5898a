// Small HTTP client helpers for the gateway's tests.
import { request } from 'node:http'
/** The fields the tests read: an upstream echo, a problem, or an OpenAPI document. */
export interface AnswerBody {
  code?: string
  instance?: string
  url?: string
  identity?: Record<string, unknown> | null
  headers: Record<string, string | undefined>
  body?: unknown
  paths?: Record<string, unknown>
  components?: Record<string, Record<string, unknown>>
  checks?: Record<string, string>
}

export interface Answer {
  status: number
  headers: Headers
  body: AnswerBody
  text: string
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init)
  const text = await response.text()
  let body = { headers: {} } as AnswerBody
  if (/json/.test(response.headers.get('content-type') ?? '')) body = JSON.parse(text) as AnswerBody
  return { status: response.status, headers: response.headers, body, text }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** A GET through node:http, for headers fetch refuses to send (`connection`). */
export function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: AnswerBody }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AnswerBody,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}
