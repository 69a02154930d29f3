/**
 * Range conditions on an indexed field must return exactly what a full scan returns, whatever
 * the history of inserts, updates and deletes (the index may hold stale entries; results may not).
 */
import fc from 'fast-check'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openGatewayCore } from '../../../scripts/local-cloud/gateway'

type Value = number | number[] | null
type Op =
  | { kind: 'insert'; id: number; v: Value }
  | { kind: 'update'; id: number; v: Value }
  | { kind: 'remove'; id: number }

// Scalars, missing, and arrays (multikey: a bound matches if any element satisfies it).
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.constant(null),
  fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 3 }),
)

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), id: fc.nat(60), v: valueArb }),
  fc.record({ kind: fc.constant('update' as const), id: fc.nat(60), v: valueArb }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.nat(60) }),
)

const boundArb = fc.record({
  lo: fc.option(fc.integer({ min: -60, max: 60 }), { nil: null }),
  loInclusive: fc.boolean(),
  hi: fc.option(fc.integer({ min: -60, max: 60 }), { nil: null }),
  hiInclusive: fc.boolean(),
})

test('indexed range queries equal a full scan after any history of writes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { maxLength: 300 }),
      fc.array(boundArb, { minLength: 1, maxLength: 5 }),
      async (ops, queries) => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'range-'))
        const core = await openGatewayCore({
          dataDir: dir,
          collections: [{ name: 'indexed', indexes: [{ name: 'v', fields: ['v'] }] }],
        })
        const model = new Map<string, Value>()
        try {
          for (const op of ops) {
            const id = `d${op.id}`
            if (op.kind === 'insert' && !model.has(id)) {
              await core.engine.insert('indexed', [
                op.v === null ? { _id: id } : { _id: id, v: op.v },
              ])
              model.set(id, op.v)
            } else if (op.kind === 'update' && model.has(id)) {
              await core.engine.modify('indexed', {
                query: { _id: id },
                data: op.v === null ? { $unset: { v: '' } } : { $set: { v: op.v } },
                multi: false,
                merge: true,
                upsert: false,
              })
              model.set(id, op.v)
            } else if (op.kind === 'remove') {
              await core.engine.remove('indexed', { _id: id }, false)
              model.delete(id)
            }
          }
          for (const q of queries) {
            const condition: Record<string, number> = {}
            if (q.lo !== null) condition[q.loInclusive ? '$gte' : '$gt'] = q.lo
            if (q.hi !== null) condition[q.hiInclusive ? '$lte' : '$lt'] = q.hi
            if (Object.keys(condition).length === 0) continue
            const found = core.engine
              .find('indexed', { v: condition }, { limit: 10_000 })
              .map((d) => d._id)
              .sort()
            const lo = (x: number) => q.lo === null || x > q.lo || (q.loInclusive && x === q.lo)
            const hi = (x: number) => q.hi === null || x < q.hi || (q.hiInclusive && x === q.hi)
            const expected = [...model.entries()]
              .filter(([, v]) =>
                Array.isArray(v) ? v.some(lo) && v.some(hi) : v !== null && lo(v) && hi(v),
              )
              .map(([id]) => id)
              .sort()
            if (JSON.stringify(found) !== JSON.stringify(expected)) return false
            // The SDK sends `_.gte(a).and(_.lt(b))` as one condition per bound under $and.
            const parts = Object.entries(condition).map(([op, bound]) => ({ v: { [op]: bound } }))
            const viaAnd = core.engine
              .find('indexed', { $and: parts }, { limit: 10_000 })
              .map((d) => d._id)
              .sort()
            if (JSON.stringify(viaAnd) !== JSON.stringify(expected)) return false
          }
          return true
        } finally {
          await core.close()
        }
      },
    ),
    { numRuns: 60 },
  )
})

test('a range over a large indexed collection does not scan it: dates and the merge of recent writes', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'range-big-'))
  const core = await openGatewayCore({
    dataDir: dir,
    collections: [{ name: 'orders', indexes: [{ name: 'paidAt', fields: ['paidAt'] }] }],
  })
  try {
    const day = 86_400_000
    const base = Date.UTC(2026, 0, 1)
    for (let i = 0; i < 20_000; i += 1000) {
      await core.engine.insert(
        'orders',
        Array.from({ length: 1000 }, (_, j) => ({
          paidAt: new Date(base + ((i + j) % 365) * day),
          n: i + j,
        })),
      )
    }
    const from = new Date(base + 335 * day)
    const found = core.engine.count('orders', { paidAt: { $gte: from } })
    let expected = 0
    for (let k = 0; k < 20_000; k++) if (k % 365 >= 335) expected++
    expect(found).toBe(expected)
  } finally {
    await core.close()
  }
})

test('a sorted page read along the index equals the same page sorted from every match, and pages cover all matches once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { maxLength: 200 }),
      fc.constantFrom(1 as const, -1 as const),
      fc.integer({ min: 1, max: 7 }),
      fc.option(boundArb, { nil: null }),
      fc.boolean(),
      async (ops, direction, pageSize, bound, filterOdd) => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'range-sort-'))
        const core = await openGatewayCore({
          dataDir: dir,
          collections: [{ name: 'indexed', indexes: [{ name: 'v', fields: ['v'] }] }],
        })
        try {
          let n = 0
          const live = new Set<string>()
          for (const op of ops) {
            const id = `d${op.id}`
            if (op.kind === 'insert' && !live.has(id)) {
              await core.engine.insert('indexed', [
                op.v === null ? { _id: id, n: n++ } : { _id: id, v: op.v, n: n++ },
              ])
              live.add(id)
            } else if (op.kind === 'update' && live.has(id)) {
              await core.engine.modify('indexed', {
                query: { _id: id },
                data: op.v === null ? { $unset: { v: '' } } : { $set: { v: op.v } },
                multi: false,
                merge: true,
                upsert: false,
              })
            } else if (op.kind === 'remove') {
              await core.engine.remove('indexed', { _id: id }, false)
              live.delete(id)
            }
          }
          const query: Record<string, unknown> = {}
          if (bound && (bound.lo !== null || bound.hi !== null)) {
            const condition: Record<string, number> = {}
            if (bound.lo !== null) condition[bound.loInclusive ? '$gte' : '$gt'] = bound.lo
            if (bound.hi !== null) condition[bound.hiInclusive ? '$lte' : '$lt'] = bound.hi
            query.v = condition
          }
          if (filterOdd) query.n = { $mod: [2, 1] }
          // Past INDEX_ORDER_MAX_ROWS the engine sorts every match: the reference.
          const all = core.engine.find('indexed', query, { sort: { v: direction }, limit: 20_000 })
          const key = (d: Record<string, unknown>) => JSON.stringify(d.v ?? null)
          const ids: string[] = []
          for (let skip = 0; skip <= all.length; skip += pageSize) {
            const page = core.engine.find('indexed', query, {
              sort: { v: direction },
              skip,
              limit: pageSize,
            })
            // The same sort values in the same places as the reference page (ties may hold other documents).
            if (
              page.map(key).join() !==
              all
                .slice(skip, skip + pageSize)
                .map(key)
                .join()
            )
              return false
            ids.push(...page.map((d) => String(d._id)))
          }
          return (
            new Set(ids).size === ids.length &&
            [...ids].sort().join() ===
              all
                .map((d) => String(d._id))
                .sort()
                .join()
          )
        } finally {
          await core.close()
        }
      },
    ),
    { numRuns: 80 },
  )
})
