/**
 * Conformance: inserts, reads and the query language (db.command), through the real SDK.
 * Result shapes follow node_modules/@cloudbase/database/dist/commonjs/{collection,document,query}.js.
 */
import { type Harness, readDoc, removeDir, startHarness } from './helpers'

jest.setTimeout(30_000)

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

const ids = (docs: { _id?: unknown }[]) => docs.map((d) => d._id).sort()

describe('insert and read shapes', () => {
  test('add returns {id} with a string auto id; batch add returns {ids}', async () => {
    const c = await h.fresh('shape')
    const one = await h.db.collection(c).add({ a: 1 })
    expect(typeof one.id).toBe('string')
    expect(one.id!.length).toBeGreaterThan(0)
    expect(one).not.toHaveProperty('ids')

    const many = await h.db.collection(c).add([{ a: 2 }, { a: 3 }, { a: 4 }])
    expect(Array.isArray(many.ids)).toBe(true)
    expect(many.ids).toHaveLength(3)
    for (const id of many.ids!) expect(typeof id).toBe('string')
    expect(new Set([one.id, ...many.ids!]).size).toBe(4)

    const total = await h.db.collection(c).count()
    expect(total.total).toBe(4)
  })

  test('doc(id).create uses the given id and returns {id}', async () => {
    const c = await h.fresh('create')
    const res = await h.db.collection(c).doc('fixed-id').create({ a: 1 })
    expect(res.id).toBe('fixed-id')
    expect(await readDoc(h.db, c, 'fixed-id')).toEqual({ _id: 'fixed-id', a: 1 })
  })

  test('add with an explicit _id keeps it', async () => {
    const c = await h.fresh('explicit')
    const res = await h.db.collection(c).add({ _id: 'mine', a: 1 })
    expect(res.id).toBe('mine')
    expect(await readDoc(h.db, c, 'mine')).toEqual({ _id: 'mine', a: 1 })
  })

  test('doc(id).get() outside a transaction is {data: [doc]}; missing is {data: []}', async () => {
    const c = await h.fresh('docget')
    const { id } = await h.db.collection(c).add({ a: 1 })
    const res = await h.db.collection(c).doc(id!).get()
    expect(res.data).toEqual([{ _id: id, a: 1 }])
    const missing = await h.db.collection(c).doc('no-such-id').get()
    expect(missing.data).toEqual([])
  })

  test('values round-trip with their types (numbers, strings, booleans, null, dates, arrays, objects)', async () => {
    const c = await h.fresh('types')
    const when = new Date('2024-05-06T07:08:09.010Z')
    const doc = {
      int: 42,
      neg: -7,
      float: 1.5,
      big: 2 ** 40,
      zero: 0,
      str: '会员 ✓',
      empty: '',
      yes: true,
      no: false,
      nil: null,
      when,
      arr: [1, 'two', { three: 3 }, [4]],
      nested: { deep: { er: { est: 'x' } }, list: [] as unknown[] },
    }
    const { id } = await h.db.collection(c).add(doc)
    const got = await readDoc(h.db, c, id!)
    expect(got).toEqual({ _id: id, ...doc })
    expect(got!.when).toBeInstanceOf(Date)
    expect((got!.when as Date).getTime()).toBe(when.getTime())
    expect(Number.isInteger(got!.int)).toBe(true)
  })

  test('count() returns {total} for a filter and for the whole collection', async () => {
    const c = await h.fresh('count')
    await h.db.collection(c).add([{ k: 1 }, { k: 2 }, { k: 2 }, { k: 3 }])
    expect((await h.db.collection(c).count()).total).toBe(4)
    expect((await h.db.collection(c).where({ k: 2 }).count()).total).toBe(2)
    expect((await h.db.collection(c).where({ k: 99 }).count()).total).toBe(0)
  })
})

describe('paging, ordering, projection', () => {
  let big: string
  beforeAll(async () => {
    big = await h.fresh('big')
    // 1100 docs in batches; n = 0..1099, g = n % 3
    for (let start = 0; start < 1100; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => ({ n: start + i, g: (start + i) % 3 }))
      await h.db.collection(big).add(batch)
    }
  })

  test('get() without limit returns at most 100 (SDK sends limit 100)', async () => {
    const res = await h.db.collection(big).where({}).get()
    expect(res.data).toHaveLength(100)
    const all = await h.db.collection(big).get()
    expect(all.data).toHaveLength(100)
  })

  test('limit(n) returns n; limit above 1000 is capped at 1000 (SDK caps the request)', async () => {
    expect((await h.db.collection(big).where({}).limit(7).get()).data).toHaveLength(7)
    expect((await h.db.collection(big).where({}).limit(1000).get()).data).toHaveLength(1000)
    expect((await h.db.collection(big).where({}).limit(5000).get()).data).toHaveLength(1000)
  })

  test('orderBy + skip + limit page through in order', async () => {
    const page = await h.db.collection(big).where({}).orderBy('n', 'asc').skip(10).limit(5).get()
    expect(page.data.map((d) => d.n)).toEqual([10, 11, 12, 13, 14])
    const desc = await h.db
      .collection(big)
      .where({ n: h.db.command.lt(20) })
      .orderBy('n', 'desc')
      .limit(3)
      .get()
    expect(desc.data.map((d) => d.n)).toEqual([19, 18, 17])
    const tail = await h.db
      .collection(big)
      .where({})
      .orderBy('n', 'asc')
      .skip(1095)
      .limit(100)
      .get()
    expect(tail.data.map((d) => d.n)).toEqual([1095, 1096, 1097, 1098, 1099])
    const beyond = await h.db.collection(big).where({}).skip(5000).get()
    expect(beyond.data).toEqual([])
  })

  test('orderBy on several fields: ties on the first are broken by the second', async () => {
    const res = await h.db
      .collection(big)
      .where({ n: h.db.command.lt(9) })
      .orderBy('g', 'desc')
      .orderBy('n', 'asc')
      .get()
    expect(res.data.map((d) => [d.g, d.n])).toEqual([
      [2, 2],
      [2, 5],
      [2, 8],
      [1, 1],
      [1, 4],
      [1, 7],
      [0, 0],
      [0, 3],
      [0, 6],
    ])
  })

  test('orderBy a string field and a nested field', async () => {
    const c = await h.fresh('order_str')
    await h.db.collection(c).add([
      { name: 'carol', m: { rank: 2 } },
      { name: 'alice', m: { rank: 3 } },
      { name: 'bob', m: { rank: 1 } },
    ])
    const byName = await h.db.collection(c).where({}).orderBy('name', 'asc').get()
    expect(byName.data.map((d) => d.name)).toEqual(['alice', 'bob', 'carol'])
    const byRank = await h.db.collection(c).where({}).orderBy('m.rank', 'desc').get()
    expect(byRank.data.map((d) => d.name)).toEqual(['alice', 'carol', 'bob'])
  })

  test('field() projection includes _id by default; exclusion projection drops fields', async () => {
    const c = await h.fresh('proj')
    const { id } = await h.db.collection(c).add({ a: 1, b: 2, sub: { x: 1, y: 2 } })
    const inc = await h.db.collection(c).where({}).field({ a: true }).get()
    expect(inc.data).toEqual([{ _id: id, a: 1 }])
    const nested = await h.db.collection(c).where({}).field({ 'sub.x': true }).get()
    expect(nested.data).toEqual([{ _id: id, sub: { x: 1 } }])
    const exc = await h.db.collection(c).where({}).field({ b: false }).get()
    expect(exc.data).toEqual([{ _id: id, a: 1, sub: { x: 1, y: 2 } }])
    const docProj = await h.db.collection(c).doc(id!).field({ b: true }).get()
    expect(docProj.data).toEqual([{ _id: id, b: 2 }])
  })
})

describe('query operators (db.command)', () => {
  let c: string
  // Every doc has `age` and `name`; only some have `vip`.
  const people = [
    {
      _id: 'p1',
      name: 'Alice',
      age: 30,
      tags: ['a', 'b'],
      scores: [
        { s: 'math', v: 90 },
        { s: 'art', v: 60 },
      ],
      addr: { city: 'SH', zip: '200000' },
      joined: new Date('2024-01-10T00:00:00Z'),
      vip: true,
    },
    {
      _id: 'p2',
      name: 'bob',
      age: 25,
      tags: ['b'],
      scores: [{ s: 'math', v: 70 }],
      addr: { city: 'BJ', zip: '100000' },
      joined: new Date('2024-03-01T00:00:00Z'),
    },
    {
      _id: 'p3',
      name: 'Carol',
      age: 41,
      tags: ['a', 'b', 'c'],
      scores: [{ s: 'art', v: 95 }],
      addr: { city: 'SH', zip: '200001' },
      joined: new Date('2023-12-31T23:59:59Z'),
      vip: false,
    },
    {
      _id: 'p4',
      name: 'dave',
      age: 18,
      tags: [],
      scores: [],
      addr: { city: 'GZ', zip: '510000' },
      joined: new Date('2024-06-15T12:00:00Z'),
    },
    {
      _id: 'p5',
      name: 'Alina',
      age: 33,
      tags: ['c'],
      scores: [
        { s: 'math', v: 80 },
        { s: 'pe', v: 85 },
      ],
      addr: { city: 'SZ', zip: '518000' },
      joined: new Date('2024-02-29T00:00:00Z'),
    },
  ]

  beforeAll(async () => {
    c = await h.fresh('people')
    const res = await h.db.collection(c).add(people)
    expect(res.ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'])
  })

  const find = async (q: object) => ids((await h.db.collection(c).where(q).get()).data)
  const _ = () => h.db.command

  test('plain equality, several fields ANDed', async () => {
    expect(await find({ name: 'bob' })).toEqual(['p2'])
    expect(await find({ age: 30, name: 'Alice' })).toEqual(['p1'])
    expect(await find({ age: 30, name: 'bob' })).toEqual([])
    expect(await find({ _id: 'p3' })).toEqual(['p3'])
  })

  test('eq, neq, lt, lte, gt, gte', async () => {
    expect(await find({ age: _().eq(25) })).toEqual(['p2'])
    expect(await find({ age: _().neq(25) })).toEqual(['p1', 'p3', 'p4', 'p5'])
    expect(await find({ age: _().lt(25) })).toEqual(['p4'])
    expect(await find({ age: _().lte(25) })).toEqual(['p2', 'p4'])
    expect(await find({ age: _().gt(33) })).toEqual(['p3'])
    expect(await find({ age: _().gte(33) })).toEqual(['p3', 'p5'])
  })

  test('in, nin (also on _id)', async () => {
    expect(await find({ age: _().in([18, 41, 99]) })).toEqual(['p3', 'p4'])
    expect(await find({ age: _().nin([18, 41]) })).toEqual(['p1', 'p2', 'p5'])
    expect(await find({ _id: _().in(['p2', 'p5', 'nope']) })).toEqual(['p2', 'p5'])
  })

  test('chained field conditions: gt().and(lt()), lt().or(gt())', async () => {
    expect(await find({ age: _().gt(20).and(_().lt(33)) })).toEqual(['p1', 'p2'])
    expect(await find({ age: _().lt(20).or(_().gt(40)) })).toEqual(['p3', 'p4'])
  })

  test('field-level and/or with several commands', async () => {
    expect(await find({ age: _().and(_().gte(25), _().lte(30)) })).toEqual(['p1', 'p2'])
    expect(await find({ age: _().or(_().eq(18), _().eq(41)) })).toEqual(['p3', 'p4'])
    expect(await find({ age: _().or([_().lt(19), _().gt(40)]) })).toEqual(['p3', 'p4'])
  })

  test('top-level _.or / _.and / _.nor across fields', async () => {
    expect(await find(_().or([{ name: 'bob' }, { age: _().gt(40) }]))).toEqual(['p2', 'p3'])
    expect(await find(_().and([{ 'addr.city': 'SH' }, { age: _().lt(35) }]))).toEqual(['p1'])
    expect(await find(_().nor([{ 'addr.city': 'SH' }, { age: _().lt(20) }]))).toEqual(['p2', 'p5'])
  })

  test('not', async () => {
    // every doc has `age`, so the MongoDB "also matches a missing field" rule does not apply here
    expect(await find({ age: _().not(_().gt(30)) })).toEqual(['p1', 'p2', 'p4'])
    expect(await find({ name: _().not(/^a/i) })).toEqual(['p2', 'p3', 'p4'])
  })

  test('exists', async () => {
    expect(await find({ vip: _().exists(true) })).toEqual(['p1', 'p3'])
    expect(await find({ vip: _().exists(false) })).toEqual(['p2', 'p4', 'p5'])
    expect(await find({ 'addr.zip': _().exists(true) })).toHaveLength(5)
  })

  test('neq also matches documents missing the field (MongoDB $ne semantics, which CloudBase inherits)', async () => {
    expect(await find({ vip: _().neq(true) })).toEqual(['p2', 'p3', 'p4', 'p5'])
  })

  test('mod', async () => {
    // command.js accepts mod(divisor, remainder) and mod([divisor, remainder]); its .d.ts declares mod()
    const mod = h.db.command.mod as unknown as (...args: unknown[]) => object
    expect(await find({ age: mod(5, 0) })).toEqual(['p1', 'p2'])
    expect(await find({ age: mod([3, 0]) })).toEqual(['p1', 'p4', 'p5'])
  })

  test('array field: equality matches an element; all; size; elemMatch', async () => {
    expect(await find({ tags: 'c' })).toEqual(['p3', 'p5'])
    expect(await find({ tags: _().all(['a', 'b']) })).toEqual(['p1', 'p3'])
    expect(await find({ tags: _().size(0) })).toEqual(['p4'])
    expect(await find({ tags: _().size(2) })).toEqual(['p1'])
    expect(await find({ scores: _().elemMatch({ s: 'math', v: _().gte(80) }) })).toEqual([
      'p1',
      'p5',
    ])
    // without elemMatch the two conditions may be met by different elements
    expect(await find({ 'scores.s': 'art', 'scores.v': _().gte(90) })).toEqual(['p1', 'p3'])
    expect(await find({ scores: _().elemMatch({ s: 'art', v: _().gte(90) }) })).toEqual(['p3'])
    expect(await find({ tags: _().in(['c', 'zzz']) })).toEqual(['p3', 'p5'])
  })

  test('nested fields: dotted path and nested object (SDK flattens it to a dotted path)', async () => {
    expect(await find({ 'addr.city': 'SH' })).toEqual(['p1', 'p3'])
    // `{addr: {city: 'SH'}}` is flattened by the SDK to `addr.city`, so it matches although addr has other keys
    expect(await find({ addr: { city: 'SH' } })).toEqual(['p1', 'p3'])
    expect(await find({ addr: { city: _().in(['BJ', 'GZ']) } })).toEqual(['p2', 'p4'])
    expect(await find({ 'addr.zip': _().gt('500000') })).toEqual(['p4', 'p5'])
  })

  test('regular expressions: JS literal and db.RegExp', async () => {
    expect(await find({ name: /^al/i })).toEqual(['p1', 'p5'])
    expect(await find({ name: /^al/ })).toEqual([])
    expect(await find({ name: h.db.RegExp({ regexp: '^A', options: '' }) })).toEqual(['p1', 'p5'])
    expect(await find({ name: h.db.RegExp({ regexp: 'o', options: 'i' }) })).toEqual(['p2', 'p3'])
    expect(await find({ 'addr.zip': /^5/ })).toEqual(['p4', 'p5'])
  })

  test('dates compare as dates', async () => {
    expect(await find({ joined: _().gte(new Date('2024-01-01T00:00:00Z')) })).toEqual([
      'p1',
      'p2',
      'p4',
      'p5',
    ])
    expect(
      await find({
        joined: _()
          .gt(new Date('2024-02-01T00:00:00Z'))
          .and(_().lt(new Date('2024-06-01T00:00:00Z'))),
      }),
    ).toEqual(['p2', 'p5'])
    expect(await find({ joined: new Date('2024-02-29T00:00:00Z') })).toEqual(['p5'])
  })

  test('a query matching nothing returns {data: []}', async () => {
    const res = await h.db.collection(c).where({ name: 'nobody' }).get()
    expect(res.data).toEqual([])
  })

  test('count honours operators', async () => {
    expect(
      (
        await h.db
          .collection(c)
          .where({ age: _().gte(30) })
          .count()
      ).total,
    ).toBe(3)
  })
})
