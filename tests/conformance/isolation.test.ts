/**
 * Conformance: transaction isolation as CloudBase's database (MongoDB underneath) provides it.
 *
 * - Reads inside a transaction come from one snapshot (MongoDB's snapshot read concern for
 *   transactions), taken at its first operation as MongoDB takes it, whether a document was first
 *   read before or after an outside change.
 * - A write to a document another open transaction has written fails at once with
 *   DATABASE_TRANSACTION_CONFLICT (MongoDB's WriteConflict), not only at commit.
 * - Commit does not validate documents the transaction only read (snapshot isolation allows write
 *   skew; services must write what they depend on).
 * - A plain write to a document an open transaction holds waits for the transaction to end.
 * - `updateAndReturn` and `where().get()` carrying a transaction id (the SDK sends it, query.js)
 *   take part in the transaction.
 * - A transaction must commit or abort within 30 s; after that (and after it ended) every call
 *   answers DATABASE_TRANSACTION_FAIL with CloudBase's TransactionNotExist message
 *   (docs.cloudbase.net/error-code/DATABASE_TRANSACTION_FAIL).
 */
import {
  type Db,
  type Harness,
  readDoc,
  rejectionOf,
  removeDir,
  sleep,
  startHarness,
} from './helpers'

jest.setTimeout(40_000)

let clockOffset = 0
let h: Harness
beforeAll(async () => {
  h = await startHarness({ now: () => Date.now() + clockOffset })
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

interface Tx {
  collection(name: string): ReturnType<Db['collection']>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}
const start = async (): Promise<Tx> => (await h.db.startTransaction()) as Tx

async function seeded(
  base: string,
  docs: Record<string, Record<string, unknown>>,
): Promise<string> {
  const c = await h.fresh(base)
  for (const [id, doc] of Object.entries(docs)) await h.db.collection(c).doc(id).set(doc)
  return c
}

describe('snapshot reads', () => {
  test('a document changed outside after the transaction began, first read after that, shows its value at the start', async () => {
    const c = await seeded('snapread', { a: { v: 1 }, b: { v: 1 } })
    const t = await start()
    // t reads b only, so a's view is not fixed by a first read
    expect((await t.collection(c).doc('b').get()).data).toEqual({ _id: 'b', v: 1 })
    await h.db.collection(c).doc('a').update({ v: 2 })
    await h.db.collection(c).doc('n').set({ v: 'new' })
    await h.db.collection(c).doc('b').remove()
    expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 1 })
    expect((await t.collection(c).doc('n').get()).data).toBeNull()
    expect((await t.collection(c).doc('b').get()).data).toEqual({ _id: 'b', v: 1 })
    await t.commit()
  })

  test('where().get() in a transaction reads the snapshot', async () => {
    const c = await seeded('snapwhere', { a: { v: 1 }, b: { v: 1 } })
    const t = await start()
    expect((await t.collection(c).doc('zzz').get()).data).toBeNull()
    await h.db.collection(c).doc('a').update({ v: 2 })
    await h.db.collection(c).doc('c').set({ v: 1 })
    const got = await t.collection(c).where({ v: 1 }).get()
    expect(got.data.map((d) => d._id).sort()).toEqual(['a', 'b'])
    await t.commit()
  })

  test('where().get() in a transaction sees its own writes', async () => {
    const c = await seeded('ownwrites', { a: { v: 1 }, b: { v: 2 } })
    const t = await start()
    await t.collection(c).doc('a').update({ v: 2 })
    await t.collection(c).doc('n').create({ v: 2 })
    await t.collection(c).doc('b').remove()
    const got = await t.collection(c).where({ v: 2 }).get()
    expect(got.data).toEqual([
      { _id: 'a', v: 2 },
      { _id: 'n', v: 2 },
    ])
    // outside still the committed state
    const outside = await h.db.collection(c).where({ v: 2 }).get()
    expect(outside.data).toEqual([{ _id: 'b', v: 2 }])
    await t.rollback()
  })

  test('the snapshot is taken at the first operation, not at startTransaction (as MongoDB does)', async () => {
    const c = await seeded('snapfirst', { a: { v: 1 } })
    const t = await start()
    await h.db.collection(c).doc('a').update({ v: 2 })
    expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 2 })
    await h.db.collection(c).doc('a').update({ v: 3 })
    expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 2 })
    await t.commit()
  })
})

describe('write conflicts', () => {
  test('updating a document another open transaction wrote fails at the write, not at commit', async () => {
    const c = await seeded('wwconflict', { x: { v: 0 } })
    const b = await start()
    await b.collection(c).doc('x').update({ v: 'b' })
    const a = await start()
    const err = await rejectionOf(a.collection(c).doc('x').update({ v: 'a' }))
    expect(err.code).toBe('DATABASE_TRANSACTION_CONFLICT')
    await b.commit()
    expect(await readDoc(h.db, c, 'x')).toEqual({ _id: 'x', v: 'b' })
    await a.rollback().catch(() => undefined)
  })

  test('removing or creating a document another open transaction wrote also conflicts at once', async () => {
    const c = await seeded('wwconflict2', { x: { v: 0 } })
    const b = await start()
    await b.collection(c).doc('x').remove()
    await b.collection(c).doc('y').create({ v: 1 })
    const a1 = await start()
    expect((await rejectionOf(a1.collection(c).doc('x').remove())).code).toBe(
      'DATABASE_TRANSACTION_CONFLICT',
    )
    const a2 = await start()
    expect((await rejectionOf(a2.collection(c).doc('y').set({ v: 2 }))).code).toBe(
      'DATABASE_TRANSACTION_CONFLICT',
    )
    await b.commit()
    expect(await readDoc(h.db, c, 'x')).toBeUndefined()
    expect(await readDoc(h.db, c, 'y')).toEqual({ _id: 'y', v: 1 })
  })

  test('commit does not fail because a document the transaction only read changed (write skew is possible)', async () => {
    const c = await seeded('noreadval', { a: { v: 1 }, b: { v: 1 } })
    const t = await start()
    expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 1 })
    await h.db.collection(c).doc('a').update({ v: 2 })
    await t.collection(c).doc('b').update({ v: 5 })
    await t.commit()
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 2 })
    expect(await readDoc(h.db, c, 'b')).toEqual({ _id: 'b', v: 5 })
  })

  test('two transactions that each read both documents and write a different one both commit', async () => {
    const c = await seeded('writeskew', { a: { on: true }, b: { on: true } })
    const t1 = await start()
    const t2 = await start()
    for (const t of [t1, t2]) {
      expect((await t.collection(c).doc('a').get()).data).toMatchObject({ on: true })
      expect((await t.collection(c).doc('b').get()).data).toMatchObject({ on: true })
    }
    await t1.collection(c).doc('a').update({ on: false })
    await t2.collection(c).doc('b').update({ on: false })
    await t1.commit()
    await t2.commit()
    expect((await readDoc(h.db, c, 'a'))!.on).toBe(false)
    expect((await readDoc(h.db, c, 'b'))!.on).toBe(false)
  })

  test('a plain update of a document an open transaction wrote waits for the transaction, then applies on its result', async () => {
    const c = await seeded('plainwaits', { x: { v: 1 } })
    const t = await start()
    await t
      .collection(c)
      .doc('x')
      .update({ v: h.db.command.inc(10) })
    let done = false
    const plain = h.db
      .collection(c)
      .doc('x')
      .update({ v: h.db.command.inc(100) })
      .then((r) => {
        done = true
        return r
      })
    await sleep(300)
    expect(done).toBe(false)
    await t.commit()
    expect((await plain).updated).toBe(1)
    expect(await readDoc(h.db, c, 'x')).toEqual({ _id: 'x', v: 111 })
  })
})

describe('nothing escapes a transaction', () => {
  test('updateAndReturn on a transaction is applied by its commit only, and not at all after rollback', async () => {
    const c = await seeded('uar', { a: { v: 1 } })
    const t = await start()
    const res = await t
      .collection(c)
      .where({ _id: 'a' })
      .updateAndReturn({ v: h.db.command.inc(1) })
    expect(res.doc).toEqual({ _id: 'a', v: 2 })
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
    expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 2 })
    await t.rollback()
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })

    const t2 = await start()
    await t2
      .collection(c)
      .where({ _id: 'a' })
      .updateAndReturn({ v: h.db.command.inc(5) })
    await t2.commit()
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 6 })
  })
})

describe('transaction lifetime', () => {
  test('a transaction past 30 s has ended: its calls answer CloudBase’s TransactionNotExist error', async () => {
    const c = await seeded('expiry', { a: { v: 1 } })
    const t = await start()
    await t.collection(c).doc('a').update({ v: 2 })
    clockOffset += 31_000
    try {
      const err = await rejectionOf(t.collection(c).doc('a').get())
      expect(err.code).toBe('DATABASE_TRANSACTION_FAIL')
      expect(err.message).toContain('[ResourceUnavailable.TransactionNotExist]')
      expect(err.message).toContain('transaction must be commit or abort in 30 seconds')
      expect((await rejectionOf(t.commit())).code).toBe('DATABASE_TRANSACTION_FAIL')
    } finally {
      clockOffset -= 31_000
    }
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
    // its lock went with it
    await h.db.collection(c).doc('a').update({ v: 3 })
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 3 })
  })

  test('a committed transaction answers further calls with the same error', async () => {
    const c = await seeded('ended', { a: { v: 1 } })
    const t = await start()
    await t.commit()
    const err = await rejectionOf(t.collection(c).doc('a').update({ v: 2 }))
    expect(err.code).toBe('DATABASE_TRANSACTION_FAIL')
    expect(err.message).toMatch(
      /^\[ResourceUnavailable\.TransactionNotExist\] Transaction does not exist on the server/,
    )
  })
})

describe('reply shapes', () => {
  test('updateAndReturn with no match answers doc: null', async () => {
    const c = await seeded('uarnull', { a: { v: 1 } })
    const res = await h.db.collection(c).where({ _id: 'zzz' }).updateAndReturn({ v: 2 })
    expect(res.updated).toBe(0)
    expect(res.doc).toBeNull()
  })

  test('updateAndReturn counts a matched but unchanged document as updated', async () => {
    const c = await seeded('uarsame', { a: { v: 1 } })
    const res = await h.db.collection(c).where({ _id: 'a' }).updateAndReturn({ v: 1 })
    expect(res.updated).toBe(1)
    expect(res.doc).toEqual({ _id: 'a', v: 1 })
  })

  test('doc(id).set() with identical data counts as updated', async () => {
    const c = await seeded('setsame', { a: { v: 1 } })
    const res = await h.db.collection(c).doc('a').set({ v: 1 })
    expect(res.updated).toBe(1)
  })
})
