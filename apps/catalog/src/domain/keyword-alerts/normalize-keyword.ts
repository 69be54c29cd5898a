// The form keywords are stored and matched in: trimmed, lower-cased, inner whitespace runs as one
// space, so "  유기농   Apple " and "유기농 apple" are the same keyword and match the same names.
export const normalizeKeyword = (text: string): string => text.trim().replace(/\s+/g, ' ').toLowerCase()
