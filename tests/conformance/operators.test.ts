/**
 * Conformance: query and aggregation operators mean what MongoDB's mean (CloudBase's database is
 * MongoDB underneath), or are refused with an error naming the operator.
 *
 * MongoDB references: $elemMatch (query) applies field conditions to embedded documents only;
 * $substrBytes/$substr: "If <byte count> is negative, returns a substring that starts at the
 * specified index and includes the rest of the string"; $week: 0–53, weeks begin on Sunday, the
 * days before the year's first Sunday are week 0, UTC; $indexOfCP: code point index or -1;
 * $jsonSchema: JSON Schema draft 4 with `bsonType`; field names starting with `$` are not stored.
 */
import { type Harness, rejectionOf, removeDir, startHarness } from './helpers'

jest.setTimeout(30_000)

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

const _ = () => h.db.command
const $ = () => h.db.command.aggregate

async function ids(c: string, query: Record<string, unknown>): Promise<string[]> {
  const res = await h.db.collection(c).where(query).get()
  return res.data.map((d) => d._id as string).sort()
}

async function projectOne(expr: Record<string, unknown>, doc: Record<string, unknown> = {}) {
  const c = await h.fresh('proj')
  await h.db.collection(c).add({ _id: 'x', ...doc })
  const res = await h.db
    .collection(c)
    .aggregate()
    .project({ _id: 0, ...expr })
    .end()
  return (res as { data: Record<string, unknown>[] }).data[0]
}

describe('query operators', () => {
  test('$elemMatch with a field condition does not match arrays of plain values', async () => {
    const c = await h.fresh('elem')
    await h.db.collection(c).add([
      { _id: 'plain', a: [1, 2, 3] },
      { _id: 'docs', a: [{ value: 1 }, { value: -1 }] },
      { _id: 'neg', a: [{ value: -1 }] },
    ])
    expect(await ids(c, { a: _().elemMatch({ value: _().gt(0) }) })).toEqual(['docs'])
    // the operator form applies to the elements themselves
    expect(await ids(c, { a: _().elemMatch(_().gt(2)) })).toEqual(['plain'])
  })

  test('$jsonSchema matches documents by schema (bsonType, required, properties, enum, bounds)', async () => {
    const c = await h.fresh('schema')
    await h.db.collection(c).add([
      { _id: 'ok', name: 'Ann', age: 30, tier: 'gold' },
      { _id: 'young', name: 'Ben', age: 3, tier: 'gold' },
      { _id: 'noname', age: 40, tier: 'silver' },
      { _id: 'badtier', name: 'Cai', age: 50, tier: 'iron' },
      { _id: 'strage', name: 'Dee', age: '50', tier: 'gold' },
    ])
    const schema = {
      bsonType: 'object',
      required: ['name', 'age'],
      properties: {
        name: { bsonType: 'string', minLength: 1 },
        age: { bsonType: 'int', minimum: 18 },
        tier: { enum: ['gold', 'silver'] },
      },
    }
    expect(await ids(c, { $jsonSchema: schema } as never)).toEqual(['ok'])
  })

  test('an unsupported $jsonSchema keyword is refused by name', async () => {
    const c = await h.fresh('schema2')
    await h.db.collection(c).add({ v: 1 })
    const err = await rejectionOf(
      h.db
        .collection(c)
        .where({ $jsonSchema: { $ref: '#/x' } } as never)
        .get(),
    )
    expect(err.message).toContain('$ref')
  })

  test('geo queries are refused with an error naming the operator', async () => {
    const c = await h.fresh('geo')
    await h.db.collection(c).add({ at: new h.db.Geo.Point(113.3, 23.1) })
    const err = await rejectionOf(
      h.db
        .collection(c)
        .where({ at: _().geoNear({ geometry: new h.db.Geo.Point(113.3, 23.1), maxDistance: 10 }) })
        .get(),
    )
    expect(err.code).toBe('DATABASE_REQUEST_FAILED')
    expect(err.message).toContain('$near')
    expect(err.message).toContain('not served by the local gateway')
  })
})

describe('aggregation expressions', () => {
  test('$substr and $substrBytes with a negative count return the rest of the string', async () => {
    const out = await projectOne(
      {
        a: $().substr(['$s', 1, -1]),
        b: $().substrBytes(['$s', 2, -1]),
        c: $().substrBytes(['$s', 1, 2]),
        d: $().substrBytes(['$s', 9, 1]),
      },
      { s: 'hello' },
    )
    expect(out).toEqual({ a: 'ello', b: 'llo', c: 'el', d: '' })
  })

  test('$week follows MongoDB: Sunday-started weeks, days before the first Sunday are week 0', async () => {
    const days = {
      thu: new Date('2026-01-01T12:00:00Z'), // Thursday, before 2026's first Sunday
      sat: new Date('2026-01-03T23:59:59Z'),
      sun: new Date('2026-01-04T00:00:00Z'), // first Sunday
      dec: new Date('2025-12-31T00:00:00Z'),
      sunNewYear: new Date('2023-01-01T00:00:00Z'), // a year starting on Sunday
      end: new Date('2026-12-31T00:00:00Z'),
    }
    const out = await projectOne(
      Object.fromEntries(Object.keys(days).map((k) => [k, $().week(`$${k}`)])),
      days,
    )
    expect(out).toEqual({ thu: 0, sat: 0, sun: 1, dec: 52, sunNewYear: 1, end: 52 })
  })

  test('$indexOfCP answers code point indexes', async () => {
    const out = await projectOne(
      {
        a: $().indexOfCP(['$s', 'l']),
        b: $().indexOfCP(['$s', 'o', 0, 3]),
        c: $().indexOfCP(['$s', 'z']),
        d: $().indexOfCP(['$s', 'l', 3]),
      },
      { s: 'héllo' },
    )
    expect(out).toEqual({ a: 2, b: -1, c: -1, d: 3 })
  })
})

describe('field names', () => {
  test('a field name starting with $ is refused on insert, also nested and in a transaction', async () => {
    const c = await h.fresh('dollar')
    const top = await rejectionOf(h.db.collection(c).add({ $bad: 1 }))
    expect(top.code).toBe('INVALID_PARAM')
    expect(top.message).toContain('$bad')
    const nested = await rejectionOf(h.db.collection(c).add({ a: { $inner: 1 } }))
    expect(nested.message).toContain('$inner')
    const t = await h.db.startTransaction()
    const inTx = await rejectionOf(t.collection(c).add({ $x: 1 }))
    expect(inTx.message).toContain('$x')
    await t.rollback()
    expect((await h.db.collection(c).count()).total).toBe(0)
  })
})
