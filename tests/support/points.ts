/**
 * Checks of a member's points account straight from the database, shared by the points tests:
 * the balance is the sum of the ledger and of what the unexpired credits have left, never
 * negative; credits and debits tile the member's points line; every key is applied once.
 */
import { remainingOf } from '../../shared/points/rules/points-ledger'
import type { Database } from '../../shared/platform/runtime/cloudbase'

type Rows = { data: any[] }

function expectTiling(
  spans: { start?: number; end?: number; points: number }[],
  upTo: number,
  what: string,
) {
  const sorted = [...spans].sort((a, b) => (a.start ?? -1) - (b.start ?? -1))
  let cursor = 0
  for (const span of sorted) {
    if (span.start !== cursor)
      throw new Error(`${what}: expected a span at ${cursor}, found ${JSON.stringify(span)}`)
    if ((span.end ?? 0) - span.start !== Math.abs(span.points))
      throw new Error(`${what}: span length differs from points in ${JSON.stringify(span)}`)
    cursor = span.end!
  }
  if (cursor !== upTo) throw new Error(`${what}: spans end at ${cursor}, the member says ${upTo}`)
}

export async function expectLedgerConsistent(
  db: Database,
  memberId: string,
  now: Date = new Date(),
) {
  const member = ((await db.collection('members').doc(memberId).get()) as Rows).data[0]
  const entries = (
    (await db.collection('pointsLedger').where({ memberId }).limit(1000).get()) as Rows
  ).data
  expect(member.points).toBeGreaterThanOrEqual(0)
  expect(entries.reduce((sum, e) => sum + e.points, 0)).toBe(member.points)
  const credits = entries.filter((e) => e.points > 0)
  const debits = entries.filter((e) => e.points < 0)
  expect(credits.reduce((sum, e) => sum + e.points, 0)).toBe(member.pointsCredited)
  expect(debits.reduce((sum, e) => sum - e.points, 0)).toBe(member.pointsDebited)
  expect(member.points).toBe(member.pointsCredited - member.pointsDebited)
  expectTiling(credits, member.pointsCredited, 'credits')
  expectTiling(debits, member.pointsDebited, 'debits')
  // credits are queued in expiry order, and what they have left adds up to the balance
  for (let i = 1; i < credits.length; i++) {
    const [a, b] = [...credits].sort((x, y) => x.start - y.start).slice(i - 1, i + 1)
    expect(b.expiresAt.getTime()).toBeGreaterThanOrEqual(a.expiresAt.getTime())
  }
  expect(credits.reduce((sum, c) => sum + remainingOf(c, member.pointsDebited), 0)).toBe(
    member.points,
  )
  if (member.nextExpiryAt.getTime() > now.getTime()) {
    // nothing due: every credit that has expired has nothing left
    for (const c of credits)
      if (c.expiresAt.getTime() <= now.getTime())
        expect(remainingOf(c, member.pointsDebited)).toBe(0)
  }
  // oldest unexpired first: a debit only consumed credits that were unexpired at the time, and an
  // expiry only credits that had expired
  for (const debit of debits) {
    for (const credit of credits) {
      if (credit.end <= debit.start || credit.start >= debit.end) continue
      const expired = credit.expiresAt.getTime() <= debit.at.getTime()
      if (expired !== (debit.kind === 'expire')) {
        throw new Error(
          `${debit.kind} at ${debit.at.toISOString()} consumed a credit expiring ${credit.expiresAt.toISOString()}`,
        )
      }
    }
  }
  expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length)
  expect(member.pendingSpends ?? []).toEqual([])
  return { member, entries }
}
