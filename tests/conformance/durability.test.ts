/**
 * Conformance: restart durability. Everything acknowledged before `close()` is read back by a
 * new gateway on the same data directory; a rolled-back (or never committed) transaction is absent.
 */
import {
  type Db,
  type Harness,
  makeDataDir,
  readAll,
  readDoc,
  removeDir,
  startHarness,
} from './helpers'

jest.setTimeout(40_000)

interface Tx {
  collection(name: string): ReturnType<Db['collection']>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

const SPECS = [{ name: 'dur_unique', indexes: [{ name: 'code', fields: ['code'], unique: true }] }]

let dataDir: string
let h: Harness | undefined

beforeAll(() => {
  dataDir = makeDataDir()
})
afterAll(async () => {
  await h?.close()
  removeDir(dataDir)
})

async function restart(): Promise<Harness> {
  await h?.close()
  h = undefined
  h = await startHarness({ dataDir, collections: SPECS })
  return h
}

// State written in phase 1 and checked after each restart.
const expected: Record<string, Record<string, unknown>> = {}
let bulkIds: string[] = []
const when = new Date('2024-07-08T09:10:11.012Z')

test('phase 1: write documents, updates, removes and transactions, then close', async () => {
  const { db } = await restart()
  await db.createCollection('dur_docs')
  await db.createCollection('dur_bulk')

  // plain writes of many kinds
  await db
    .collection('dur_docs')
    .doc('typed')
    .set({
      s: 'x',
      n: 1.25,
      i: 7,
      b: true,
      nil: null,
      when,
      arr: [1, { a: 2 }],
      o: { p: { q: 'r' } },
    })
  expected.typed = {
    _id: 'typed',
    s: 'x',
    n: 1.25,
    i: 7,
    b: true,
    nil: null,
    when,
    arr: [1, { a: 2 }],
    o: { p: { q: 'r' } },
  }

  await db
    .collection('dur_docs')
    .doc('upd')
    .set({ n: 1, tags: ['a'] })
  await db
    .collection('dur_docs')
    .doc('upd')
    .update({ n: db.command.inc(4), tags: db.command.push('b'), o: { k: 1 } })
  expected.upd = { _id: 'upd', n: 5, tags: ['a', 'b'], o: { k: 1 } }

  await db.collection('dur_docs').doc('gone').set({ v: 1 })
  await db.collection('dur_docs').doc('gone').remove()

  await db.collection('dur_docs').doc('replaced').set({ old: true })
  await db.collection('dur_docs').doc('replaced').set({ fresh: true })
  expected.replaced = { _id: 'replaced', fresh: true }

  // bulk inserts with auto ids, then a multi update and a multi remove
  const res = await db
    .collection('dur_bulk')
    .add(Array.from({ length: 200 }, (_, i) => ({ i, even: i % 2 === 0 })))
  bulkIds = res.ids!
  expect(bulkIds).toHaveLength(200)
  expect(
    (await db.collection('dur_bulk').where({ even: true }).update({ touched: true })).updated,
  ).toBe(100)
  expect(
    (
      await db
        .collection('dur_bulk')
        .where({ i: db.command.gte(190) })
        .remove()
    ).deleted,
  ).toBe(10)

  // committed transaction
  const t1 = (await db.startTransaction()) as Tx
  await t1.collection('dur_docs').doc('tx_new').create({ by: 't1' })
  await t1
    .collection('dur_docs')
    .doc('upd')
    .update({ n: db.command.inc(100) })
  await t1.commit()
  expected.tx_new = { _id: 'tx_new', by: 't1' }
  expected.upd = { ...expected.upd, n: 105 }

  // rolled-back transaction
  const t2 = (await db.startTransaction()) as Tx
  await t2.collection('dur_docs').doc('tx_rolled').create({ by: 't2' })
  await t2.collection('dur_docs').doc('typed').update({ s: 'rolled back' })
  await t2.rollback()

  // runTransaction committed
  await db.runTransaction(async (t: Tx) => {
    await t.collection('dur_docs').doc('rt').set({ by: 'runTransaction' })
  })
  expected.rt = { _id: 'rt', by: 'runTransaction' }

  // an open transaction that is never finished before close
  const t3 = (await db.startTransaction()) as Tx
  await t3.collection('dur_docs').doc('tx_open').create({ by: 't3' })
  await t3.collection('dur_docs').doc('typed').update({ s: 'never committed' })

  // unique index content
  await db.collection('dur_unique').add({ code: 'K1' })

  for (const [id, doc] of Object.entries(expected))
    expect(await readDoc(db, 'dur_docs', id)).toEqual(doc)
})

async function checkState(db: Db) {
  for (const [id, doc] of Object.entries(expected))
    expect(await readDoc(db, 'dur_docs', id)).toEqual(doc)
  expect(await readDoc(db, 'dur_docs', 'gone')).toBeUndefined()
  expect(await readDoc(db, 'dur_docs', 'tx_rolled')).toBeUndefined()
  expect(await readDoc(db, 'dur_docs', 'tx_open')).toBeUndefined()
  const typed = await readDoc(db, 'dur_docs', 'typed')
  expect((typed!.when as Date).getTime()).toBe(when.getTime())

  const bulk = await readAll(db, 'dur_bulk')
  expect(bulk).toHaveLength(190)
  const byId = new Map(bulk.map((d) => [d._id as string, d]))
  bulkIds.forEach((id, i) => {
    const d = byId.get(id)
    if (i >= 190) expect(d).toBeUndefined()
    else
      expect(d).toEqual(
        i % 2 === 0 ? { _id: id, i, even: true, touched: true } : { _id: id, i, even: false },
      )
  })
}

test('phase 2: a new gateway on the same data dir reads everything back', async () => {
  const { db } = await restart()
  await checkState(db)
  // collections created with createCollection still exist (no DATABASE_COLLECTION_NOT_EXIST)
  await db.collection('dur_docs').doc('after1').set({ phase: 2 })
  expected.after1 = { _id: 'after1', phase: 2 }
  // unique values written before the restart are still enforced
  const err = await db
    .collection('dur_unique')
    .add({ code: 'K1' })
    .then(
      () => undefined,
      (e: { code?: unknown }) => e,
    )
  expect(err?.code).toBe('DATABASE_DUPLICATE_WRITE')
})

test('phase 3: a second restart keeps both the old and the post-restart writes', async () => {
  const { db } = await restart()
  await checkState(db)
  expect((await db.collection('dur_unique').count()).total).toBe(1)
})
