/**
 * Conformance: transactions (db.startTransaction / db.runTransaction).
 *
 * Shapes come from node_modules/@cloudbase/database/dist/commonjs/transaction/index.js and
 * document.js: inside a transaction doc(id).get() is `{data: doc|null}`, add/create return
 * `{id, inserted: 1, ok: 1}`. runTransaction retries only when the error code is
 * DATABASE_TRANSACTION_CONFLICT, at most `times` (default 3) more times.
 *
 * CloudBase rule asserted below: Query.update/remove/count send NO transactionId (see query.js),
 * so `t.collection(c).where(...).update()/remove()/count()` run outside the transaction.
 */
import { type Db, type Harness, readDoc, rejectionOf, removeDir, startHarness } from './helpers'

jest.setTimeout(40_000)

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

/** The SDK's Transaction object (typed `any` by the SDK). */
interface Tx {
  collection(name: string): ReturnType<Db['collection']>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}
const start = async (): Promise<Tx> => (await h.db.startTransaction()) as Tx
const run = <T>(cb: (t: Tx) => Promise<T>, times?: number): Promise<T> =>
  h.db.runTransaction(cb, times) as Promise<T>

async function seeded(
  base: string,
  docs: Record<string, Record<string, unknown>>,
): Promise<string> {
  const c = await h.fresh(base)
  for (const [id, doc] of Object.entries(docs)) await h.db.collection(c).doc(id).set(doc)
  return c
}

describe('startTransaction: reads and result shapes', () => {
  test('doc(id).get() inside a transaction is {data: doc} and {data: null} when missing', async () => {
    const c = await seeded('txget', { a: { v: 1 } })
    const t = await start()
    const got = await t.collection(c).doc('a').get()
    expect(got.data).toEqual({ _id: 'a', v: 1 })
    const missing = await t.collection(c).doc('zzz').get()
    expect(missing.data).toBeNull()
    await t.commit()
  })

  test('add / create inside a transaction return {id, inserted: 1, ok: 1}', async () => {
    const c = await h.fresh('txadd')
    const t = await start()
    const added = await t.collection(c).add({ v: 1 })
    expect(typeof added.id).toBe('string')
    expect(added).toMatchObject({ inserted: 1, ok: 1 })
    const created = await t.collection(c).doc('mine').create({ v: 2 })
    expect(created).toMatchObject({ id: 'mine', inserted: 1, ok: 1 })
    await t.commit()
    expect(await readDoc(h.db, c, added.id!)).toEqual({ _id: added.id, v: 1 })
    expect(await readDoc(h.db, c, 'mine')).toEqual({ _id: 'mine', v: 2 })
  })
})

describe('commit and rollback', () => {
  test('commit applies update, set, create and remove together; outsiders see nothing before commit', async () => {
    const c = await seeded('txcommit', { a: { v: 1, keep: 'k' }, b: { v: 2 }, d: { v: 4 } })
    const t = await start()
    await t
      .collection(c)
      .doc('a')
      .update({ v: h.db.command.inc(10) })
    await t.collection(c).doc('b').set({ w: 'replaced' })
    await t.collection(c).doc('n').create({ v: 'new' })
    const rm = await t.collection(c).doc('d').remove()
    expect(rm.deleted).toBe(1)

    // reads inside see own writes
    expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 11, keep: 'k' })
    expect((await t.collection(c).doc('b').get()).data).toEqual({ _id: 'b', w: 'replaced' })
    expect((await t.collection(c).doc('n').get()).data).toEqual({ _id: 'n', v: 'new' })
    expect((await t.collection(c).doc('d').get()).data).toBeNull()

    // outside readers see the committed state only
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1, keep: 'k' })
    expect(await readDoc(h.db, c, 'b')).toEqual({ _id: 'b', v: 2 })
    expect(await readDoc(h.db, c, 'n')).toBeUndefined()
    expect(await readDoc(h.db, c, 'd')).toEqual({ _id: 'd', v: 4 })
    expect((await h.db.collection(c).where({}).get()).data.map((x) => x._id).sort()).toEqual([
      'a',
      'b',
      'd',
    ])

    await t.commit()

    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 11, keep: 'k' })
    expect(await readDoc(h.db, c, 'b')).toEqual({ _id: 'b', w: 'replaced' })
    expect(await readDoc(h.db, c, 'n')).toEqual({ _id: 'n', v: 'new' })
    expect(await readDoc(h.db, c, 'd')).toBeUndefined()
  })

  test('rollback applies none of the writes', async () => {
    const c = await seeded('txrollback', { a: { v: 1 }, b: { v: 2 } })
    const t = await start()
    await t.collection(c).doc('a').update({ v: 100 })
    await t.collection(c).doc('b').remove()
    await t.collection(c).doc('c').set({ v: 3 })
    await t.collection(c).add({ v: 'added' })
    await t.rollback()
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
    expect(await readDoc(h.db, c, 'b')).toEqual({ _id: 'b', v: 2 })
    expect(await readDoc(h.db, c, 'c')).toBeUndefined()
    expect((await h.db.collection(c).count()).total).toBe(2)
  })

  test('set inside a transaction upserts a missing doc on commit', async () => {
    const c = await h.fresh('txset')
    const t = await start()
    const res = await t.collection(c).doc('u').set({ v: 1 })
    // SDK shape inside a transaction: {updated, upserted: [{_id}]}
    expect(Array.isArray(res.upserted)).toBe(true)
    expect(await readDoc(h.db, c, 'u')).toBeUndefined()
    await t.commit()
    expect(await readDoc(h.db, c, 'u')).toEqual({ _id: 'u', v: 1 })
  })
})

describe('conflicts', () => {
  test('two transactions writing the same doc: the second fails with DATABASE_TRANSACTION_CONFLICT and none of its writes apply', async () => {
    const c = await seeded('txconflict', { x: { v: 0 }, other: { v: 0 } })
    const t1 = await start()
    const t2 = await start()
    await t1.collection(c).doc('x').update({ v: 1 })
    // t2 first writes an unrelated doc, then the contended one
    await t2.collection(c).doc('other').update({ v: 2 })
    let err: { code?: unknown } | undefined
    try {
      await t2.collection(c).doc('x').update({ v: 2 })
      await t1.commit()
      await t2.commit()
    } catch (e) {
      err = e as { code?: unknown }
    }
    expect(err?.code).toBe('DATABASE_TRANSACTION_CONFLICT')
    // t1 may still be open if t2 failed at write time
    await t1.commit().catch(() => undefined)
    await t2.rollback().catch(() => undefined)
    expect(await readDoc(h.db, c, 'x')).toEqual({ _id: 'x', v: 1 })
    expect(await readDoc(h.db, c, 'other')).toEqual({ _id: 'other', v: 0 })
  })

  test('a transaction that writes a doc another transaction changed and committed after it began conflicts (snapshot isolation)', async () => {
    const c = await seeded('txsnapshot', { x: { v: 0 } })
    const t1 = await start()
    const t2 = await start()
    // t2 reads before t1's change
    expect((await t2.collection(c).doc('x').get()).data).toEqual({ _id: 'x', v: 0 })
    await t1.collection(c).doc('x').update({ v: 1 })
    await t1.commit()
    // t2 still sees its snapshot, and may not overwrite t1's committed change
    const err = await rejectionOf(
      (async () => {
        await t2.collection(c).doc('x').update({ v: 'lost update' })
        await t2.commit()
      })(),
    )
    expect(err.code).toBe('DATABASE_TRANSACTION_CONFLICT')
    await t2.rollback().catch(() => undefined)
    expect(await readDoc(h.db, c, 'x')).toEqual({ _id: 'x', v: 1 })
  })

  test('a plain (non-transactional) write after the transaction read makes its write conflict: no lost update', async () => {
    const c = await seeded('txplain', { x: { v: 10 } })
    const t = await start()
    const seen = (await t.collection(c).doc('x').get()).data as { v: number }
    expect(seen.v).toBe(10)
    const plain = await h.db
      .collection(c)
      .where({ _id: 'x', v: h.db.command.gte(5) })
      .update({ v: h.db.command.inc(-5) })
    expect(plain.updated).toBe(1)
    const err = await rejectionOf(
      (async () => {
        await t
          .collection(c)
          .doc('x')
          .update({ v: seen.v + 1 })
        await t.commit()
      })(),
    )
    expect(err.code).toBe('DATABASE_TRANSACTION_CONFLICT')
    await t.rollback().catch(() => undefined)
    expect(await readDoc(h.db, c, 'x')).toEqual({ _id: 'x', v: 5 })
  })
})

describe('runTransaction', () => {
  test('returns the callback value and commits', async () => {
    const c = await seeded('rt', { a: { v: 1 } })
    const out = await run(async (t) => {
      const cur = (await t.collection(c).doc('a').get()).data as { v: number }
      await t
        .collection(c)
        .doc('a')
        .update({ v: cur.v + 1 })
      return 'done'
    })
    expect(out).toBe('done')
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 2 })
  })

  test('a callback that throws leaves nothing applied and rejects with its error', async () => {
    const c = await seeded('rtthrow', { a: { v: 1 } })
    const err = await rejectionOf(
      run(async (t) => {
        await t.collection(c).doc('a').update({ v: 99 })
        await t.collection(c).doc('b').create({ v: 2 })
        throw new Error('boom')
      }),
    )
    expect(err.message).toBe('boom')
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
    expect(await readDoc(h.db, c, 'b')).toBeUndefined()
  })

  test('t.rollback(reason) inside the callback rejects with the reason and applies nothing', async () => {
    const c = await seeded('rtrollback', { a: { v: 1 } })
    const reason = await rejectionOf(
      run(async (t) => {
        await t.collection(c).doc('a').update({ v: 5 })
        await t.rollback('not enough points')
      }),
    )
    expect(reason).toBe('not enough points')
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
  })

  test('20 concurrent read-modify-write increments (enough retries) end at exactly 20', async () => {
    const c = await seeded('rtcounter', { n: { v: 0 } })
    const N = 20
    const results = await Promise.allSettled(
      Array.from({ length: N }, () =>
        run(async (t) => {
          const cur = (await t.collection(c).doc('n').get()).data as { v: number }
          await t
            .collection(c)
            .doc('n')
            .update({ v: cur.v + 1 })
        }, 40),
      ),
    )
    const failures = results.filter((r) => r.status === 'rejected')
    expect(failures).toEqual([])
    expect((await readDoc(h.db, c, 'n'))!.v).toBe(N)
  })

  test('with the default 3 retries, the counter equals the number of successful runs and every failure is a conflict', async () => {
    const c = await seeded('rtcounter3', { n: { v: 0 } })
    const N = 20
    const results = await Promise.allSettled(
      Array.from({ length: N }, () =>
        run(async (t) => {
          const cur = (await t.collection(c).doc('n').get()).data as { v: number }
          await t
            .collection(c)
            .doc('n')
            .update({ v: cur.v + 1 })
        }),
      ),
    )
    const ok = results.filter((r) => r.status === 'fulfilled').length
    const codes = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { code?: unknown }).code] : [],
    )
    expect(ok).toBeGreaterThan(0)
    expect(codes.every((code) => code === 'DATABASE_TRANSACTION_CONFLICT')).toBe(true)
    expect((await readDoc(h.db, c, 'n'))!.v).toBe(ok)
    // and nothing is left locked: a plain transaction can still update the doc
    await run(async (t) => {
      await t
        .collection(c)
        .doc('n')
        .update({ v: h.db.command.inc(1) })
    })
    expect((await readDoc(h.db, c, 'n'))!.v).toBe(ok + 1)
  })

  test('concurrent transfers keep the sum of two balances constant', async () => {
    const c = await seeded('rttransfer', { a: { bal: 1000 }, b: { bal: 1000 } })
    const moves = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 7 : -5))
    const results = await Promise.allSettled(
      moves.map((amt) =>
        run(async (t) => {
          const a = (await t.collection(c).doc('a').get()).data as { bal: number }
          const b = (await t.collection(c).doc('b').get()).data as { bal: number }
          await t
            .collection(c)
            .doc('a')
            .update({ bal: a.bal - amt })
          await t
            .collection(c)
            .doc('b')
            .update({ bal: b.bal + amt })
        }, 40),
      ),
    )
    const moved = results.reduce((s, r, i) => s + (r.status === 'fulfilled' ? moves[i]! : 0), 0)
    const a = (await readDoc(h.db, c, 'a'))!.bal as number
    const b = (await readDoc(h.db, c, 'b'))!.bal as number
    expect(a + b).toBe(2000)
    expect(a).toBe(1000 - moved)
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
  })
})

describe('where() inside a transaction runs outside it (CloudBase rule: no transactionId is sent)', () => {
  test('t.collection(c).where().update() is applied immediately and survives rollback', async () => {
    const c = await seeded('txwhereupd', { a: { v: 1 }, b: { v: 1 } })
    const t = await start()
    await t.collection(c).doc('a').update({ v: 2 })
    const res = await t.collection(c).where({ _id: 'b' }).update({ v: 50 })
    expect(res.updated).toBe(1)
    expect(await readDoc(h.db, c, 'b')).toEqual({ _id: 'b', v: 50 })
    await t.rollback()
    expect(await readDoc(h.db, c, 'b')).toEqual({ _id: 'b', v: 50 })
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
  })

  test('t.collection(c).where().remove() is applied immediately and survives rollback', async () => {
    const c = await seeded('txwhererm', { a: { v: 1 }, b: { v: 1 } })
    const t = await start()
    await t.collection(c).doc('a').update({ v: 2 })
    const res = await t.collection(c).where({ _id: 'b' }).remove()
    expect(res.deleted).toBe(1)
    expect(await readDoc(h.db, c, 'b')).toBeUndefined()
    await t.rollback()
    expect(await readDoc(h.db, c, 'b')).toBeUndefined()
    expect(await readDoc(h.db, c, 'a')).toEqual({ _id: 'a', v: 1 })
  })

  test('t.collection(c).count() counts committed docs, not the transaction’s own inserts', async () => {
    const c = await seeded('txcount', { a: { v: 1 } })
    const t = await start()
    await t.collection(c).doc('b').create({ v: 2 })
    const inside = await t.collection(c).count()
    expect(inside.total).toBe(1)
    await t.commit()
    expect((await h.db.collection(c).count()).total).toBe(2)
  })
})
