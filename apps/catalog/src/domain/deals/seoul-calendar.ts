// "Today" and "this week" as a Korean buyer means them: calendar days in Asia/Seoul (UTC+9, no
// daylight saving), weeks from Monday.
const DAY_MS = 24 * 3600 * 1000
const SEOUL_OFFSET_MS = 9 * 3600 * 1000

export interface TimeWindow {
  from: Date
  to: Date
}

export function seoulDayStart(now: Date): Date {
  const local = now.getTime() + SEOUL_OFFSET_MS
  return new Date(Math.floor(local / DAY_MS) * DAY_MS - SEOUL_OFFSET_MS)
}

export function seoulToday(now: Date): TimeWindow {
  const from = seoulDayStart(now)
  return { from, to: new Date(from.getTime() + DAY_MS) }
}

export function seoulThisWeek(now: Date): TimeWindow {
  const dayStart = seoulDayStart(now)
  const weekday = new Date(dayStart.getTime() + SEOUL_OFFSET_MS).getUTCDay()
  const daysSinceMonday = (weekday + 6) % 7
  const from = new Date(dayStart.getTime() - daysSinceMonday * DAY_MS)
  return { from, to: new Date(from.getTime() + 7 * DAY_MS) }
}
