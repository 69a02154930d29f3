/**
 * The typed collection layer (shared/platform/db/collection.ts) against the local gateway through
 * the real SDK: duplicate inserts are outcomes, conditional updates say whether they applied, the
 * timer sweep stops at its budget and at the end of the due documents, transactional writes roll
 * back, and every method is one round trip.
 */
import { loadGateway, makeDataDir, removeDir, type RunningGateway } from '../conformance/helpers'
import { defineCollection } from '../../shared/platform/db/collection-spec'
import { collection } from '../../shared/platform/db/collection'
import { database, invocationScope } from '../../shared/platform/runtime/cloudbase'
import { withTransaction } from '../../shared/platform/runtime/transaction'

interface ThingDoc {
  _id: string
  key: string
  n: number
  dueAt: number | null
}

const THINGS = defineCollection<ThingDoc>({
  name: 'things',
  indexes: [{ name: 'key', fields: ['key'], unique: true }],
})

let gw: RunningGateway
let dataDir: string
const things = () => collection(THINGS)

beforeAll(async () => {
  dataDir = makeDataDir()
  gw = await loadGateway().startGateway({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    collections: [THINGS],
  })
  Object.assign(process.env, {
    TENCENTCLOUD: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: gw.serviceUrl }),
    TCB_ENV: 'local',
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    SILENCE: 'true',
  })
})

afterAll(async () => {
  await gw?.close()
  removeDir(dataDir)
})

beforeEach(async () => {
  await things().removeWhere({ _id: database().command.exists(true) })
})

/** Runs `body` counting its database round trips. */
async function trips<T>(body: () => Promise<T>): Promise<{ value: T; trips: number }> {
  const scope = { requestId: 'test', dbRoundTrips: 0 }
  const value = await invocationScope.run(scope, body)
  return { value, trips: scope.dbRoundTrips }
}

const thing = (id: string, n = 0, dueAt: number | null = null): ThingDoc => ({
  _id: id,
  key: `k-${id}`,
  n,
  dueAt,
})

test('get, findOne, find and count read typed documents, one round trip each', async () => {
  await things().insertMany([thing('a', 1), thing('b', 2), thing('c', 3)])
  const got = await trips(() => things().get('b'))
  expect(got).toEqual({ value: thing('b', 2), trips: 1 })
  expect(await things().get('zzz')).toBeNull()
  const one = await trips(() => things().findOne({ key: 'k-c' }))
  expect(one).toEqual({ value: thing('c', 3), trips: 1 })
  expect(await things().findOne({ key: 'nope' })).toBeNull()
  const found = await trips(() =>
    things().find({}, { orderBy: ['n', 'desc'], limit: 2, fields: ['n'] }),
  )
  expect(found).toEqual({
    value: [
      { _id: 'c', n: 3 },
      { _id: 'b', n: 2 },
    ],
    trips: 1,
  })
  expect(await things().find({}, { orderBy: ['n', 'asc'], skip: 1 })).toHaveLength(2)
  const counted = await trips(() => things().count({ n: database().command.gte(2) }))
  expect(counted).toEqual({ value: 2, trips: 1 })
})

test('insertOnce: a duplicate id or unique key is an outcome, the existing document is opt-in', async () => {
  const first = await trips(() => things().insertOnce(thing('a', 1)))
  expect(first).toEqual({ value: { inserted: true, id: 'a' }, trips: 1 })

  const dupId = await trips(() => things().insertOnce(thing('a', 2)))
  expect(dupId).toEqual({ value: { inserted: false, existing: null }, trips: 1 })

  const dupKey = await trips(() =>
    things().insertOnce({ ...thing('b', 3), key: 'k-a' }, { existing: { key: 'k-a' } }),
  )
  expect(dupKey).toEqual({ value: { inserted: false, existing: thing('a', 1) }, trips: 2 })

  const byId = await things().insertOnce(thing('a', 9), { existing: 'id' })
  expect(byId).toEqual({ inserted: false, existing: thing('a', 1) })
  expect(await things().count()).toBe(1)
})

test('insert still throws on a duplicate (where a duplicate is a bug)', async () => {
  await things().insert(thing('a'))
  await expect(things().insert(thing('a'))).rejects.toMatchObject({
    code: 'DATABASE_DUPLICATE_WRITE',
  })
})

test('updateIf says whether the conditional update applied; updateAndReturn returns the document', async () => {
  const _ = database().command
  await things().insert(thing('a', 1))
  const applied = await trips(() => things().updateIf({ _id: 'a', n: 1 }, { n: _.inc(1) }))
  expect(applied).toEqual({ value: true, trips: 1 })
  expect(await things().updateIf({ _id: 'a', n: 1 }, { n: _.inc(1) })).toBe(false)
  expect((await things().get('a'))?.n).toBe(2)

  const after = await things().updateAndReturn({ _id: 'a', n: _.gte(2) }, { n: _.inc(-2) })
  expect(after).toEqual(thing('a', 0))
  expect(await things().updateAndReturn({ _id: 'a', n: _.gte(2) }, { n: _.inc(-2) })).toBeNull()

  expect(await things().update('a', { n: 7 })).toBe(1)
  await things().set('a', { key: 'k-a', n: 8, dueAt: null })
  expect((await things().get('a'))?.n).toBe(8)
  expect(await things().remove('a')).toBe(1)
  expect(await things().get('a')).toBeNull()
})

describe('sweepDue', () => {
  const _ = () => database().command

  test('goes batch after batch until nothing is due, one round trip per batch', async () => {
    await things().insertMany(Array.from({ length: 7 }, (_x, i) => thing(`t${i}`, 0, i)))
    const seen: string[] = []
    const res = await trips(() =>
      things().sweepDue(
        { dueAt: _().lte(100) },
        { orderBy: ['dueAt', 'asc'], batch: 3, budgetMs: 60_000 },
        async (doc) => {
          seen.push(doc._id)
          await things().update(doc._id, { dueAt: null })
        },
      ),
    )
    expect(res.value).toEqual({ handled: 7, failed: 0, more: false })
    expect(seen).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6'])
    // three batches (3 + 3 + 1) and one update per document
    expect(res.trips).toBe(3 + 7)
  })

  test('stops at the time budget, leaving the rest due', async () => {
    await things().insertMany(Array.from({ length: 10 }, (_x, i) => thing(`t${i}`, 0, i)))
    let now = 0
    const res = await things().sweepDue(
      { dueAt: _().lte(100) },
      { orderBy: ['dueAt', 'asc'], batch: 2, budgetMs: 25, clock: () => now },
      async (doc) => {
        now += 10
        await things().update(doc._id, { dueAt: null })
      },
    )
    // batch 1 ends at 20 ms (< 25: go on), batch 2 ends at 40 ms: stop
    expect(res).toEqual({ handled: 4, failed: 0, more: true })
    expect(await things().count({ dueAt: _().lte(100) })).toBe(6)
  })

  test('a failing handler: reported and left out of later batches, or rethrown', async () => {
    await things().insertMany(Array.from({ length: 4 }, (_x, i) => thing(`t${i}`, 0, i)))
    const errors: string[] = []
    const res = await things().sweepDue(
      { dueAt: _().lte(100) },
      {
        orderBy: ['dueAt', 'asc'],
        batch: 2,
        budgetMs: 60_000,
        parallel: 2,
        onError: (doc) => errors.push(doc._id),
      },
      async (doc) => {
        if (doc._id === 't1') throw new Error('boom')
        await things().update(doc._id, { dueAt: null })
      },
    )
    expect(res).toEqual({ handled: 3, failed: 1, more: false })
    expect(errors).toEqual(['t1'])
    await expect(
      things().sweepDue({ dueAt: _().lte(100) }, { batch: 2, budgetMs: 60_000 }, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
  })
})

describe('in a transaction', () => {
  test('doc-level reads and writes commit together', async () => {
    const _ = database().command
    await things().insert(thing('a', 1))
    await withTransaction(database(), async (t) => {
      const a = await collection(THINGS, t).get('a')
      expect(a).toEqual(thing('a', 1))
      expect(await collection(THINGS, t).get('missing')).toBeNull()
      await things()
        .in(t)
        .update('a', { n: _.inc(1) })
      expect(await collection(THINGS, t).insertOnce(thing('b', 5))).toEqual({
        inserted: true,
        id: 'b',
      })
    })
    expect((await things().get('a'))?.n).toBe(2)
    expect((await things().get('b'))?.n).toBe(5)
  })

  test('a duplicate inside is an outcome; throwing after it rolls back every write', async () => {
    await things().insert(thing('a', 1))
    await expect(
      withTransaction(database(), async (t) => {
        await collection(THINGS, t).update('a', { n: 100 })
        await collection(THINGS, t).insert(thing('c', 3))
        const dup = await collection(THINGS, t).insertOnce(thing('a', 2))
        expect(dup).toEqual({ inserted: false, existing: null })
        throw new Error('taken')
      }),
    ).rejects.toThrow('taken')
    expect((await things().get('a'))?.n).toBe(1)
    expect(await things().get('c')).toBeNull()
  })
})
