/**
 * Points rules that do not need the database. Points expire on 31 December (Asia/Shanghai) of
 * the year after they were earned: an entry earned any time in 2026 expires at
 * 2028-01-01T00:00:00+08:00, which is stored in UTC as 2027-12-31T16:00:00Z.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000

export const DEFAULT_POINTS_RULES = {
  welcomeBonus: 100,
}

export function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).getUTCFullYear()
}

export function pointsExpiryFor(earnedAt: Date): Date {
  return new Date(Date.UTC(shanghaiYear(earnedAt) + 2, 0, 1) - SHANGHAI_OFFSET_MS)
}
