/**
 * Conformance: aggregation pipelines through `db.collection(c).aggregate()...end()`.
 * The SDK (aggregate.js) sends each stage as {stageKey: '$match', stageValue: EJSON string} and
 * returns `{data: list}`.
 */
import { type Harness, removeDir, startHarness } from './helpers'

jest.setTimeout(30_000)

let h: Harness
let orders: string
let users: string

beforeAll(async () => {
  h = await startHarness()
  orders = await h.fresh('orders')
  users = await h.fresh('users')
  await h.db.collection(users).add([
    { _id: 'u1', name: 'Ann', tier: 'gold' },
    { _id: 'u2', name: 'Ben', tier: 'silver' },
    { _id: 'u3', name: 'Cai', tier: 'gold' },
  ])
  await h.db.collection(orders).add([
    {
      _id: 'o1',
      shop: 'A',
      amount: 10,
      status: 'paid',
      userId: 'u1',
      items: ['tea', 'cake'],
      at: new Date('2024-01-01T10:00:00Z'),
    },
    {
      _id: 'o2',
      shop: 'A',
      amount: 25,
      status: 'paid',
      userId: 'u2',
      items: ['tea'],
      at: new Date('2024-01-02T10:00:00Z'),
    },
    {
      _id: 'o3',
      shop: 'B',
      amount: 7,
      status: 'paid',
      userId: 'u1',
      items: ['bun'],
      at: new Date('2024-01-03T10:00:00Z'),
    },
    {
      _id: 'o4',
      shop: 'B',
      amount: 100,
      status: 'refunded',
      userId: 'u3',
      items: [],
      at: new Date('2024-01-04T10:00:00Z'),
    },
    {
      _id: 'o5',
      shop: 'C',
      amount: 3,
      status: 'paid',
      userId: 'u9',
      items: ['tea', 'tea', 'bun'],
      at: new Date('2024-01-05T10:00:00Z'),
    },
    {
      _id: 'o6',
      shop: 'A',
      amount: 5,
      status: 'paid',
      userId: 'u3',
      items: ['cake'],
      at: new Date('2024-01-06T10:00:00Z'),
    },
  ])
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

const $ = () => h.db.command.aggregate
const _ = () => h.db.command

test('match → group(sum) → sort → project', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ status: 'paid' })
    .group({ _id: '$shop', total: $().sum('$amount'), n: $().sum(1) })
    .sort({ total: -1 })
    .project({ _id: 0, shop: '$_id', total: 1, n: 1 })
    .end()
  expect(Array.isArray(res.data)).toBe(true)
  expect(res.data).toEqual([
    { shop: 'A', total: 40, n: 3 },
    { shop: 'B', total: 7, n: 1 },
    { shop: 'C', total: 3, n: 1 },
  ])
})

test('match with db.command operators; group avg/min/max/push over all (_id null)', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ amount: _().gte(5).and(_().lte(25)), shop: _().in(['A', 'B']) })
    .sort({ amount: 1 })
    .group({
      _id: null,
      avg: $().avg('$amount'),
      min: $().min('$amount'),
      max: $().max('$amount'),
      ids: $().push('$_id'),
    })
    .end()
  expect(res.data).toEqual([
    { _id: null, avg: 47 / 4, min: 5, max: 25, ids: ['o6', 'o3', 'o1', 'o2'] },
  ])
})

test('match on dates', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ at: _().gte(new Date('2024-01-04T00:00:00Z')) })
    .count('n')
    .end()
  expect(res.data).toEqual([{ n: 3 }])
})

test('lookup from another collection', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ _id: _().in(['o1', 'o5']) })
    .lookup({ from: users, localField: 'userId', foreignField: '_id', as: 'user' })
    .sort({ _id: 1 })
    .project({ _id: 1, user: 1 })
    .end()
  expect(res.data).toEqual([
    { _id: 'o1', user: [{ _id: 'u1', name: 'Ann', tier: 'gold' }] },
    { _id: 'o5', user: [] },
  ])
})

test('unwind then group counts array elements', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .unwind('$items')
    .group({ _id: '$items', n: $().sum(1) })
    .sort({ n: -1, _id: 1 })
    .end()
  expect(res.data).toEqual([
    { _id: 'tea', n: 4 },
    { _id: 'bun', n: 2 },
    { _id: 'cake', n: 2 },
  ])
})

test('count stage', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ status: 'paid' })
    .count('paid')
    .end()
  expect(res.data).toEqual([{ paid: 5 }])
})

test('sort, skip, limit', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .sort({ amount: -1 })
    .skip(1)
    .limit(3)
    .project({ _id: 1 })
    .end()
  expect(res.data).toEqual([{ _id: 'o2' }, { _id: 'o1' }, { _id: 'o3' }])
})

test('project with an expression (multiply) and addFields', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ _id: 'o2' })
    .addFields({ double: $().multiply(['$amount', 2]) })
    .project({ _id: 0, double: 1, itemCount: $().size('$items') })
    .end()
  expect(res.data).toEqual([{ double: 50, itemCount: 1 }])
})

test('group with lookup result: total paid per user tier', async () => {
  const res = await h.db
    .collection(orders)
    .aggregate()
    .match({ status: 'paid' })
    .lookup({ from: users, localField: 'userId', foreignField: '_id', as: 'u' })
    .unwind('$u')
    .group({ _id: '$u.tier', total: $().sum('$amount') })
    .sort({ _id: 1 })
    .end()
  expect(res.data).toEqual([
    { _id: 'gold', total: 22 },
    { _id: 'silver', total: 25 },
  ])
})

test('an aggregation matching nothing returns {data: []}', async () => {
  const res = await h.db.collection(orders).aggregate().match({ shop: 'Z' }).end()
  expect(res.data).toEqual([])
})
