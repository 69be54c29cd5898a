// Korean business registration numbers (사업자등록번호) `123-45-67890`, with the national check digit.
const FORMAT = /^(\d{3})-?(\d{2})-?(\d{5})$/
const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5]

/** The canonical hyphenated number, or undefined when the format or check digit is wrong. */
export function normaliseBusinessNumber(input: string): string | undefined {
  const m = FORMAT.exec(input.trim())
  if (!m) return undefined
  const digits = `${m[1]}${m[2]}${m[3]}`.split('').map(Number)
  let sum = WEIGHTS.reduce((acc, w, i) => acc + w * digits[i]!, 0)
  sum += Math.floor((digits[8]! * 5) / 10)
  const check = (10 - (sum % 10)) % 10
  return check === digits[9] ? `${m[1]}-${m[2]}-${m[3]}` : undefined
}
