/**
 * The points queue (shared/rules/points-ledger.ts) against a plain model of a points account:
 * random sequences of earn, spend, expire and refund — with retries of the same idempotency key
 * mixed in — always keep the balance equal to the sum of the ledger and to what the unexpired
 * credits have left, never negative, each key applied once, spending the oldest unexpired first.
 */
import fc from 'fast-check'
import {
  DEFAULT_POINTS_RULES,
  earnedPoints,
  pointsExpiryFor,
  refundTakeback,
} from '../../../shared/points/rules/points'
import {
  emptyAccount,
  findDebitGap,
  isExpiryDue,
  nextExpiringBatch,
  NO_EXPIRY,
  planCredit,
  planDebit,
  planExpiry,
  remainingOf,
  type CreditSpan,
  type PointsAccount,
  type Span,
} from '../../../shared/points/rules/points-ledger'

const DAY = 86_400_000

interface Entry extends Span {
  key: string
  kind: 'earn' | 'spend' | 'expire' | 'refund'
  points: number
  at: Date
  expiresAt?: Date
}

class Account {
  state: PointsAccount = emptyAccount()
  entries: Entry[] = []
  keys = new Set<string>()
  now = new Date('2026-02-01T00:00:00Z')
  orders = new Map<string, { paidFen: number; earned: number; refundedFen: number }>()
  expiryYears = 1

  credits(): (CreditSpan & Entry)[] {
    return this.entries.filter((e): e is CreditSpan & Entry => e.points > 0)
  }

  /** What the database's unique key index does: a key applies once. */
  private once(key: string, apply: () => Entry | null): void {
    if (this.keys.has(key)) return
    const entry = apply()
    if (entry) {
      this.keys.add(key)
      this.entries.push(entry)
    }
  }

  /** Services expire due points before any other change (withMemberAccount, redeem). */
  private settle(): void {
    if (isExpiryDue(this.state, this.now)) this.expire(3)
  }

  earn(orderId: string, paidFen: number): void {
    this.settle()
    this.once(`order:${orderId}:earn`, () => {
      const earned = earnedPoints(paidFen, 'standard', DEFAULT_POINTS_RULES)
      this.orders.set(orderId, { paidFen, earned, refundedFen: 0 })
      if (earned === 0)
        return {
          key: `order:${orderId}:earn`,
          kind: 'earn',
          points: 0,
          start: 0,
          end: 0,
          at: this.now,
        }
      const plan = planCredit(this.state, earned, pointsExpiryFor(this.now, this.expiryYears))
      this.state = plan.account
      return { key: `order:${orderId}:earn`, kind: 'earn', ...plan.span, at: this.now }
    })
  }

  spend(key: string, points: number): boolean {
    this.settle()
    let ok = false
    this.once(key, () => {
      const plan = planDebit(this.state, points, this.now)
      if (!plan.ok) {
        expect(plan.reason).toBe('insufficient') // never 'expiry-due': settled just above
        return null
      }
      ok = true
      this.state = plan.account
      return { key, kind: 'spend', points: -points, ...plan.span, at: this.now }
    })
    return ok
  }

  refund(orderId: string, refundId: string, refundFen: number): void {
    this.settle()
    const order = this.orders.get(orderId)
    if (!order) return
    const fen = Math.min(refundFen, order.paidFen - order.refundedFen)
    if (fen <= 0) return
    this.once(`order:${orderId}:refund:${refundId}`, () => {
      const due = refundTakeback({
        earned: order.earned,
        paidFen: order.paidFen,
        refundedBeforeFen: order.refundedFen,
        refundFen: fen,
      })
      order.refundedFen += fen
      const taken = Math.min(due, this.state.points)
      if (taken === 0)
        return {
          key: `order:${orderId}:refund:${refundId}`,
          kind: 'refund',
          points: 0,
          start: 0,
          end: 0,
          at: this.now,
        }
      const plan = planDebit(this.state, taken, this.now)
      if (!plan.ok) throw new Error(plan.reason)
      this.state = plan.account
      return {
        key: `order:${orderId}:refund:${refundId}`,
        kind: 'refund',
        points: -taken,
        ...plan.span,
        at: this.now,
      }
    })
  }

  /** The expiry job, reading open credits a page of `page` at a time (resumable). */
  expire(page: number): void {
    while (isExpiryDue(this.state, this.now)) {
      const open = this.credits()
        .filter((c) => c.end > this.state.debited)
        .sort((a, b) => a.end - b.end)
      const pageOf = open.slice(0, page)
      const plan = planExpiry(this.state, pageOf, pageOf.length === open.length, this.now)
      const key = `member:m:expire:${plan.span.start}`
      this.state = plan.account
      if (plan.points > 0)
        this.once(key, () => ({
          key,
          kind: 'expire',
          points: -plan.points,
          ...plan.span,
          at: this.now,
        }))
    }
  }

  check(): void {
    const { points, credited, debited } = this.state
    expect(points).toBeGreaterThanOrEqual(0)
    expect(this.entries.reduce((s, e) => s + e.points, 0)).toBe(points)
    expect(points).toBe(credited - debited)
    const credits = this.credits()
    const debits = this.entries.filter((e) => e.points < 0).sort((a, b) => a.start - b.start)
    expect(credits.reduce((s, c) => s + remainingOf(c, debited), 0)).toBe(points)
    // spans tile the line: credits [0, credited), debits [0, debited)
    let at = 0
    for (const c of credits)
      expect([c.start, (at = c.end) - c.start]).toEqual([at - c.points, c.points])
    expect(at).toBe(credited)
    at = 0
    for (const d of debits) {
      expect(d.start).toBe(at)
      at = d.end
    }
    expect(at).toBe(debited)
    // credits queue in expiry order
    for (let i = 1; i < credits.length; i++)
      expect(credits[i]!.expiresAt.getTime()).toBeGreaterThanOrEqual(
        credits[i - 1]!.expiresAt.getTime(),
      )
    // oldest unexpired first: debits consumed only credits unexpired at the time; expiry only expired ones
    for (const d of debits) {
      for (const c of credits) {
        if (c.end <= d.start || c.start >= d.end) continue
        expect(c.expiresAt.getTime() <= d.at.getTime()).toBe(d.kind === 'expire')
      }
    }
    // once nothing is due, nothing expired has points left, and nextExpiryAt is a lower bound
    if (!isExpiryDue(this.state, this.now)) {
      for (const c of credits) {
        if (c.expiresAt.getTime() <= this.now.getTime()) expect(remainingOf(c, debited)).toBe(0)
        if (remainingOf(c, debited) > 0)
          expect(this.state.nextExpiryAt.getTime()).toBeLessThanOrEqual(c.expiresAt.getTime())
      }
    }
    expect(new Set(this.entries.map((e) => e.key)).size).toBe(this.entries.length)
    expect(this.keys.size).toBe(this.entries.length)
  }
}

type Op =
  | { kind: 'earn'; order: number; fen: number }
  | { kind: 'spend'; key: number; points: number }
  | { kind: 'refund'; order: number; refund: number; fen: number }
  | { kind: 'time'; days: number }
  | { kind: 'expire'; page: number }
  | { kind: 'rules'; expiryYears: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('earn' as const),
      order: fc.nat(6),
      fen: fc.nat(50_000),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('spend' as const),
      key: fc.nat(8),
      points: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      order: fc.nat(6),
      refund: fc.nat(2),
      fen: fc.integer({ min: 1, max: 50_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      days: fc.integer({ min: 1, max: 400 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('expire' as const),
      page: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rules' as const),
      expiryYears: fc.integer({ min: 0, max: 3 }),
    }),
  },
)

describe('the points queue', () => {
  it('property: random earn/spend/expire/refund sequences (with retried keys) keep every invariant', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const account = new Account()
        for (const step of ops) {
          if (step.kind === 'earn') account.earn(`o${step.order}`, step.fen)
          else if (step.kind === 'spend')
            account.spend(`redemption:r${step.key}:spend`, step.points)
          else if (step.kind === 'refund')
            account.refund(`o${step.order}`, `r${step.refund}`, step.fen)
          else if (step.kind === 'time')
            account.now = new Date(account.now.getTime() + step.days * DAY)
          else if (step.kind === 'expire') account.expire(step.page)
          else account.expiryYears = step.expiryYears
          account.check()
        }
      }),
      { numRuns: 500 },
    )
  })

  it('spends the oldest first: after spending 150 of 100 + 200, the older batch is gone', () => {
    const a = planCredit(emptyAccount(), 100, new Date('2027-12-31T16:00:00Z'))
    const b = planCredit(a.account, 200, new Date('2028-12-31T16:00:00Z'))
    const spent = planDebit(b.account, 150, new Date('2027-06-01T00:00:00Z'))
    if (!spent.ok) throw new Error('refused')
    expect(remainingOf(a.span, spent.account.debited)).toBe(0)
    expect(remainingOf(b.span, spent.account.debited)).toBe(150)
    expect(nextExpiringBatch([a.span, b.span], spent.account.debited)).toEqual({
      points: 150,
      expiresAt: b.span.expiresAt,
    })
  })

  it('refuses to spend points that have come due until they are expired', () => {
    const a = planCredit(emptyAccount(), 100, new Date('2027-12-31T16:00:00Z'))
    const b = planCredit(a.account, 50, new Date('2028-12-31T16:00:00Z'))
    const after = new Date('2028-01-02T00:00:00Z')
    expect(planDebit(b.account, 10, after)).toEqual({ ok: false, reason: 'expiry-due' })
    const expired = planExpiry(b.account, [a.span, b.span], true, after)
    expect(expired.points).toBe(100)
    expect(expired.account.nextExpiryAt).toEqual(b.span.expiresAt)
    expect(planDebit(expired.account, 50, after)).toMatchObject({ ok: true })
    expect(planDebit(expired.account, 51, after)).toEqual({ ok: false, reason: 'insufficient' })
  })

  it('a credit the rules would expire earlier keeps the queue in expiry order', () => {
    const a = planCredit(emptyAccount(), 10, new Date('2028-12-31T16:00:00Z'))
    const b = planCredit(a.account, 10, new Date('2027-12-31T16:00:00Z'))
    expect(b.span.expiresAt).toEqual(a.span.expiresAt)
  })

  it('an account with nothing left has nothing coming due', () => {
    const a = planCredit(emptyAccount(), 10, new Date('2027-12-31T16:00:00Z'))
    const spent = planDebit(a.account, 10, new Date('2027-01-01T00:00:00Z'))
    if (!spent.ok) throw new Error('refused')
    const expired = planExpiry(spent.account, [], true, new Date('2028-06-01T00:00:00Z'))
    expect(expired).toMatchObject({ points: 0, account: { nextExpiryAt: NO_EXPIRY } })
  })
})

describe('finding where a lost debit sat', () => {
  it('is the first uncovered stretch of exactly that length', () => {
    expect(
      findDebitGap(
        [
          { start: 0, end: 10 },
          { start: 30, end: 40 },
        ],
        40,
        20,
      ),
    ).toEqual({ start: 10, end: 30 })
    expect(findDebitGap([{ start: 0, end: 10 }], 30, 20)).toEqual({ start: 10, end: 30 })
    expect(findDebitGap([{ start: 0, end: 10 }], 30, 5)).toBeNull()
  })

  it('property: removing any debit from a tiling leaves a gap that finds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        (lengths, pick) => {
          let at = 0
          const spans = lengths.map((l) => ({ start: at, end: (at += l) }))
          const lost = spans[pick % spans.length]!
          const gap = findDebitGap(
            spans.filter((s) => s !== lost),
            at,
            lost.end - lost.start,
          )
          expect(gap).toEqual(lost)
        },
      ),
    )
  })
})
