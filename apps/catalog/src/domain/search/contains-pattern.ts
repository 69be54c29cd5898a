// Turns a user's search text into an ILIKE pattern that matches it anywhere, with the LIKE
// wildcards in the text taken literally. `pg_trgm`'s GIN index serves patterns of 3+ characters;
// shorter ones (common for Korean: "사과") still match, by a scan.
const LIKE_SPECIAL = /[\\%_]/g

export const escapeLike = (text: string): string => text.replace(LIKE_SPECIAL, (c) => `\\${c}`)

export const containsPattern = (text: string): string => `%${escapeLike(text)}%`

export const prefixPattern = (text: string): string => `${escapeLike(text)}%`
