/**
 * Conformance: refusals. The node SDK throws a TcbError carrying the reply's `code` whenever the
 * reply has one (node-sdk src/utils/tcbapirequester.ts → processReturn).
 */
import { type Harness, readDoc, rejectionOf, removeDir, startHarness } from './helpers'

jest.setTimeout(30_000)

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    collections: [
      { name: 'conf_codes', indexes: [{ name: 'code', fields: ['code'], unique: true }] },
      {
        name: 'conf_sparse',
        indexes: [{ name: 'ref', fields: ['ref'], unique: true, sparse: true }],
      },
      { name: 'conf_dense', indexes: [{ name: 'ref', fields: ['ref'], unique: true }] },
      { name: 'conf_pair', indexes: [{ name: 'shop_day', fields: ['shop', 'day'], unique: true }] },
      { name: 'conf_plain', indexes: [{ name: 'k', fields: ['k'] }] },
    ],
  })
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

const DUP = 'DATABASE_DUPLICATE_WRITE'

describe('unique indexes', () => {
  test('inserting a duplicate is refused with DATABASE_DUPLICATE_WRITE; the first doc is unchanged', async () => {
    const coll = h.db.collection('conf_codes')
    const { id } = await coll.add({ code: 'A1', owner: 'first' })
    const err = await rejectionOf(coll.add({ code: 'A1', owner: 'second' }))
    expect(err.code).toBe(DUP)
    expect(typeof err.message).toBe('string')
    expect(await readDoc(h.db, 'conf_codes', id!)).toEqual({ _id: id, code: 'A1', owner: 'first' })
    expect((await coll.where({ code: 'A1' }).count()).total).toBe(1)
  })

  test('doc(id).create with a duplicate key is refused too', async () => {
    const coll = h.db.collection('conf_codes')
    await coll.doc('c1').create({ code: 'C1' })
    const err = await rejectionOf(coll.doc('c2').create({ code: 'C1' }))
    expect(err.code).toBe(DUP)
    expect(await readDoc(h.db, 'conf_codes', 'c2')).toBeUndefined()
  })

  test('updating a doc into a duplicate is refused; both docs unchanged', async () => {
    const coll = h.db.collection('conf_codes')
    const a = await coll.add({ code: 'U1', n: 1 })
    const b = await coll.add({ code: 'U2', n: 2 })
    const err = await rejectionOf(coll.doc(b.id!).update({ code: 'U1', n: 99 }))
    expect(err.code).toBe(DUP)
    expect(await readDoc(h.db, 'conf_codes', a.id!)).toEqual({ _id: a.id, code: 'U1', n: 1 })
    expect(await readDoc(h.db, 'conf_codes', b.id!)).toEqual({ _id: b.id, code: 'U2', n: 2 })
  })

  test('where().update() into a duplicate is refused', async () => {
    const coll = h.db.collection('conf_codes')
    await coll.add({ code: 'W1' })
    const b = await coll.add({ code: 'W2' })
    const err = await rejectionOf(coll.where({ code: 'W2' }).update({ code: 'W1' }))
    expect(err.code).toBe(DUP)
    expect(await readDoc(h.db, 'conf_codes', b.id!)).toEqual({ _id: b.id, code: 'W2' })
  })

  test('doc(id).set into a duplicate is refused', async () => {
    const coll = h.db.collection('conf_codes')
    await coll.add({ code: 'S1' })
    const b = await coll.add({ code: 'S2', keep: true })
    const err = await rejectionOf(coll.doc(b.id!).set({ code: 'S1' }))
    expect(err.code).toBe(DUP)
    expect(await readDoc(h.db, 'conf_codes', b.id!)).toEqual({ _id: b.id, code: 'S2', keep: true })
  })

  test('updating a doc to its own value, or freeing a value then reusing it, is allowed', async () => {
    const coll = h.db.collection('conf_codes')
    const a = await coll.add({ code: 'F1', n: 1 })
    await coll.doc(a.id!).update({ code: 'F1', n: 2 })
    await coll.doc(a.id!).update({ code: 'F2' })
    const b = await coll.add({ code: 'F1' })
    expect(typeof b.id).toBe('string')
    await coll.doc(b.id!).remove()
    const c = await coll.add({ code: 'F1' })
    expect(typeof c.id).toBe('string')
  })

  test('a duplicate inside a transaction is refused and the transaction applies nothing', async () => {
    const coll = h.db.collection('conf_codes')
    await coll.add({ code: 'T1' })
    const err = await rejectionOf(
      h.db.runTransaction(async (t: { collection(n: string): typeof coll }) => {
        await t.collection('conf_codes').doc('t-other').create({ code: 'T-other' })
        await t.collection('conf_codes').doc('t-dup').create({ code: 'T1' })
      }) as Promise<unknown>,
    )
    expect(err.code).toBe(DUP)
    expect(await readDoc(h.db, 'conf_codes', 't-other')).toBeUndefined()
    expect(await readDoc(h.db, 'conf_codes', 't-dup')).toBeUndefined()
  })

  test('duplicate _id is refused with DATABASE_DUPLICATE_WRITE (the _id index is unique)', async () => {
    const coll = h.db.collection('conf_plain')
    await coll.doc('same').create({ k: 1 })
    const err = await rejectionOf(coll.doc('same').create({ k: 2 }))
    expect(err.code).toBe(DUP)
    const err2 = await rejectionOf(coll.add({ _id: 'same', k: 3 }))
    expect(err2.code).toBe(DUP)
    expect(await readDoc(h.db, 'conf_plain', 'same')).toEqual({ _id: 'same', k: 1 })
  })

  test('a non-unique index allows duplicates', async () => {
    const coll = h.db.collection('conf_plain')
    await coll.add({ k: 'dup' })
    await coll.add({ k: 'dup' })
    expect((await coll.where({ k: 'dup' }).count()).total).toBe(2)
  })

  test('sparse unique index: many docs may lack the field; present values stay unique', async () => {
    const coll = h.db.collection('conf_sparse')
    await coll.add({ x: 1 })
    await coll.add({ x: 2 })
    await coll.add({ ref: 'R1' })
    const err = await rejectionOf(coll.add({ ref: 'R1' }))
    expect(err.code).toBe(DUP)
    expect((await coll.count()).total).toBe(3)
  })

  test('non-sparse unique index treats a missing field as null: only one doc may lack it (shared/db/collections.ts IndexSpec)', async () => {
    const coll = h.db.collection('conf_dense')
    await coll.add({ x: 1 })
    const err = await rejectionOf(coll.add({ x: 2 }))
    expect(err.code).toBe(DUP)
  })

  test('compound unique index: the combination must be unique', async () => {
    const coll = h.db.collection('conf_pair')
    await coll.add({ shop: 'A', day: '2024-01-01' })
    await coll.add({ shop: 'A', day: '2024-01-02' })
    await coll.add({ shop: 'B', day: '2024-01-01' })
    const err = await rejectionOf(coll.add({ shop: 'A', day: '2024-01-01' }))
    expect(err.code).toBe(DUP)
    expect((await coll.count()).total).toBe(3)
  })

  test('20 concurrent inserts of the same unique value: exactly one succeeds', async () => {
    const coll = h.db.collection('conf_codes')
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => coll.add({ code: 'RACE', i })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code?: unknown }).code).toBe(DUP)
    expect((await coll.where({ code: 'RACE' }).count()).total).toBe(1)
  })

  test('a batch add containing a duplicate is refused', async () => {
    const coll = h.db.collection('conf_codes')
    const err = await rejectionOf(coll.add([{ code: 'B1' }, { code: 'B1' }]))
    expect(err.code).toBe(DUP)
    // MongoDB's ordered insertMany keeps the docs before the failing one; we only require the
    // second to be absent.
    expect((await coll.where({ code: 'B1' }).count()).total).toBeLessThanOrEqual(1)
  })
})

describe('unknown collection', () => {
  const NOT_EXIST = 'DATABASE_COLLECTION_NOT_EXIST'

  test('insert into a collection that was never created is refused (no auto-create)', async () => {
    const err = await rejectionOf(h.db.collection('never_created').add({ a: 1 }))
    expect(err.code).toBe(NOT_EXIST)
    // and it still does not exist afterwards
    const again = await rejectionOf(h.db.collection('never_created').add({ a: 1 }))
    expect(again.code).toBe(NOT_EXIST)
  })

  test('get / doc().get / count on an unknown collection are refused', async () => {
    expect((await rejectionOf(h.db.collection('never_created').where({}).get())).code).toBe(
      NOT_EXIST,
    )
    expect((await rejectionOf(h.db.collection('never_created').doc('x').get())).code).toBe(
      NOT_EXIST,
    )
    expect((await rejectionOf(h.db.collection('never_created').count())).code).toBe(NOT_EXIST)
  })

  test('createCollection makes it usable', async () => {
    await h.db.createCollection('created_later')
    const { id } = await h.db.collection('created_later').add({ a: 1 })
    expect(typeof id).toBe('string')
  })

  test('collections passed to startGateway exist from the start', async () => {
    expect((await h.db.collection('conf_plain').where({ nothing: 1 }).get()).data).toEqual([])
  })
})

describe('cloud functions', () => {
  test('callFunction of a name with no deployed function answers FUNCTION_NOT_FOUND', async () => {
    const tcb = (await import('@cloudbase/node-sdk')).default
    const app = tcb.init({
      env: 'local-test',
      serviceUrl: h.gw.serviceUrl,
      secretId: 'local',
      secretKey: 'local',
    })
    const err = await rejectionOf(app.callFunction({ name: 'nope', data: {} }))
    expect(err.code).toBe('FUNCTION_NOT_FOUND')
  })
})

describe('CloudBase features the gateway does not serve answer a clear error', () => {
  test('realtime watch: its first request (auth.wsWebSign, sent by watch()) is refused naming the feature', async () => {
    // watch() itself only logs the refusal and keeps retrying (realtime/websocket-client.js), so
    // this sends its first request through the SDK's own request class.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Db } = require('@cloudbase/database') as {
      Db: {
        reqClass: new (config: unknown) => {
          send(action: string, params: object): Promise<unknown>
        }
      }
    }
    const request = new Db.reqClass((h.db as unknown as { config: unknown }).config)
    const err = await rejectionOf(request.send('auth.wsWebSign', { runtime: 'node' }))
    expect(err.code).toBe('ACTION_NOT_SUPPORTED')
    expect(err.message).toContain('realtime watch (websocket push) is not served')
  })
})
