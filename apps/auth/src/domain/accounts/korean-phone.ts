// Korean mobile numbers (010, 011, 016-019), stored in one canonical hyphenated form.
const MOBILE = /^(01[016789])-?(\d{3,4})-?(\d{4})$/

export const KOREAN_MOBILE_PATTERN = MOBILE

export function normaliseKoreanMobile(phone: string): string | undefined {
  const m = MOBILE.exec(phone.trim())
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined
}
