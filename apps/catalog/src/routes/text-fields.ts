// Text fields of request schemas. Control characters are refused at the edge: PostgreSQL cannot
// store NUL at all, and the others have no business in names or search text.
import { z } from 'zod'

const SINGLE_LINE = /^[^\p{Cc}]*$/u
/** Tabs and line breaks allowed, other control characters not. */
const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/

/** A trimmed, non-empty single line of at most `max` characters. */
export const singleLine = (max: number) =>
  z.string().trim().min(1).max(max).regex(SINGLE_LINE, 'must not contain control characters')

/** Free text of at most `max` characters, line breaks allowed. */
export const multiLine = (max: number) =>
  z.string().max(max).regex(MULTI_LINE, 'must not contain control characters other than line breaks')

/** Search text from a query string; empty means no search. */
export const searchText = z
  .string()
  .trim()
  .max(100)
  .regex(SINGLE_LINE, 'must not contain control characters')
  .optional()
