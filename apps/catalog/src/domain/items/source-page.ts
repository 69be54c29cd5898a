// One page of a public-data style item source (the data.go.kr envelope):
// `{ response: { header: { resultCode, resultMsg }, body: { items: { item: [...] }, numOfRows, pageNo, totalCount } } }`.
// Such APIs send a one-row page's `item` as an object and an empty page's `items` as "", so both
// are read as arrays here; anything else that does not fit the envelope is a bad page.
import { z } from 'zod'

const count = z.coerce.number().int().nonnegative()

const envelopeSchema = z.object({
  response: z.object({
    header: z.object({ resultCode: z.string(), resultMsg: z.string().optional() }),
    body: z
      .object({
        items: z.union([
          z.object({ item: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional() }),
          z.literal(''),
          z.null(),
        ]),
        numOfRows: count.optional(),
        pageNo: count.optional(),
        totalCount: count,
      })
      .optional(),
  }),
})

export interface SourcePage {
  totalCount: number
  /** Rows per page the source says it used (it may cap what was asked). */
  numOfRows: number | undefined
  rows: unknown[]
}

/** Why a page could not be read; retried, and named in the import's failure reason. */
export class SourcePageError extends Error {
  override name = 'SourcePageError'
  constructor(
    message: string,
    /** False when asking again cannot help (the source refused the request itself). */
    readonly retryable = true,
  ) {
    super(message)
  }
}

const SUCCESS = '00'

export function readSourcePage(json: unknown): SourcePage {
  const parsed = envelopeSchema.safeParse(json)
  if (!parsed.success) throw new SourcePageError('the response is not a public-data page envelope')
  const { header, body } = parsed.data.response
  if (header.resultCode !== SUCCESS)
    throw new SourcePageError(
      `the source answered resultCode ${header.resultCode} (${header.resultMsg ?? 'no message'})`,
    )
  if (!body) throw new SourcePageError('the response has no body')
  const item = body.items && 'item' in body.items ? body.items.item : undefined
  const rows = item === undefined ? [] : Array.isArray(item) ? item : [item]
  return { totalCount: body.totalCount, numOfRows: body.numOfRows || undefined, rows }
}
