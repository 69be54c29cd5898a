// A source row checked and normalised into an item: text NFC-normalised with whitespace
// collapsed, empty optional fields as null, the price ("1,500", "1500원") as whole won.
import { z } from 'zod'

export interface ItemRow {
  sourceCode: string
  name: string
  category: string | null
  unit: string | null
  price: number | null
}

const MAX_PRICE = 2_147_483_647

const tidy = (value: string) => value.normalize('NFC').replace(/\s+/g, ' ').trim()

const text = (max: number) =>
  z
    .union([z.string(), z.number()])
    .transform((value) => tidy(String(value)))
    .pipe(z.string().min(1).max(max))

const optionalText = (max: number) =>
  z
    .string()
    .nullish()
    .transform((value) => (value == null ? null : tidy(value) || null))
    .pipe(z.string().max(max).nullable())

const price = z.union([z.string(), z.number(), z.null(), z.undefined()]).transform((value, ctx) => {
  if (value == null) return null
  const digits = String(value).replace(/[\s,]/g, '').replace(/원$/, '')
  if (digits === '' || digits === '-') return null
  const won = /^\d+$/.test(digits) ? Number(digits) : NaN
  if (!Number.isSafeInteger(won) || won > MAX_PRICE) {
    ctx.addIssue({ code: 'custom', message: 'is not a whole number of won' })
    return z.NEVER
  }
  return won
})

const sourceRowSchema = z.object({
  itemCode: text(64).pipe(z.string().regex(/^[\w.-]+$/, 'has characters other than letters, digits, . _ -')),
  itemName: text(200),
  categoryName: optionalText(100),
  unit: optionalText(50),
  price,
})

export type RowCheck = { ok: true; item: ItemRow } | { ok: false; reason: string; sourceCode: string | null }

export function checkItemRow(raw: unknown): RowCheck {
  const parsed = sourceRowSchema.safeParse(raw)
  if (parsed.success) {
    const { itemCode, itemName, categoryName, unit, price } = parsed.data
    return { ok: true, item: { sourceCode: itemCode, name: itemName, category: categoryName, unit, price } }
  }
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`)
    .join('; ')
  const code = (raw as { itemCode?: unknown } | null)?.itemCode
  return {
    ok: false,
    reason,
    sourceCode: typeof code === 'string' || typeof code === 'number' ? String(code) : null,
  }
}
