/** Calendar boundaries as people in the stores count them: Asia/Shanghai, weeks from Monday. */

/** Asia/Shanghai is UTC+8 all year (no daylight saving). */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000

const DAY_MS = 86_400_000

function shanghaiMidnight(at: Date): number {
  const local = at.getTime() + SHANGHAI_OFFSET_MS
  return local - (local % DAY_MS) - SHANGHAI_OFFSET_MS
}

export function startOfShanghaiDay(at: Date): Date {
  return new Date(shanghaiMidnight(at))
}

export function startOfShanghaiWeek(at: Date): Date {
  const midnight = shanghaiMidnight(at)
  const weekday = new Date(midnight + SHANGHAI_OFFSET_MS).getUTCDay() // 0 = Sunday
  return new Date(midnight - ((weekday + 6) % 7) * DAY_MS)
}

export function startOfShanghaiMonth(at: Date): Date {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS)
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - SHANGHAI_OFFSET_MS)
}

/** `2026-05-01 14:03` in Asia/Shanghai, as clerks and shoppers read times. */
export function formatShanghaiMinute(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/** `2026-05`: the Asia/Shanghai month an instant falls in (points history groups by it). */
export function shanghaiMonth(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7)
}

/** `2026-12-31`: the Asia/Shanghai calendar day of an instant. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * The instants of Asia/Shanghai days `from`…`to` (both `YYYY-MM-DD`, both included, either
 * open): `{ gte, lt }` for a stored UTC date to fall in. Null bounds are left out.
 */
export function shanghaiDaysRange(
  from: string | undefined,
  to: string | undefined,
): { gte: Date | null; lt: Date | null } {
  const start = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS)
  return {
    gte: from ? start(from) : null,
    lt: to ? new Date(start(to).getTime() + DAY_MS) : null,
  }
}
