/**
 * Conformance: an `_id` keeps the type it was written with (CloudBase's database is MongoDB
 * underneath: 42, "42" and ObjectId("…") are three different ids), and an ObjectId reads back the
 * way CloudBase answers it: canonical EJSON `{"$oid": …}`, which the SDK turns into whatever its
 * own reply formatting makes of it (computed below with the SDK's parser and formatter).
 */
import { EJSON } from 'bson'
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

const HEX = '5f1b2c3d4e5f6a7b8c9d0e1f'

/** What the SDK returns for a field CloudBase answers as an ObjectId. */
function sdkReadsObjectId(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Util } = require('@cloudbase/database/dist/commonjs/util') as {
    Util: { formatResDocumentData(docs: unknown[]): Record<string, unknown>[] }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdkBson = require(
    require.resolve('bson', {
      paths: [require.resolve('@cloudbase/database')],
    }),
  ) as typeof import('bson')
  const parsed = sdkBson.EJSON.parse(EJSON.stringify({ v: { $oid: HEX } }))
  return Util.formatResDocumentData([parsed])[0]!.v
}

describe('numeric _id', () => {
  test('add with a number _id keeps it a number: doc(number).get() finds it, doc(string) does not', async () => {
    const c = await h.fresh('numid')
    const added = await h.db.collection(c).add({ _id: 42, v: 1 })
    expect(added.id).toBe(42)
    const got = await h.db
      .collection(c)
      .doc(42 as never)
      .get()
    expect(got.data).toEqual([{ _id: 42, v: 1 }])
    expect(await readDoc(h.db, c, '42')).toBeUndefined()
    expect((await h.db.collection(c).where({ v: 1 }).get()).data).toEqual([{ _id: 42, v: 1 }])
    expect((await h.db.collection(c).where({ _id: 42 }).get()).data).toHaveLength(1)
    // a string "42" is another document
    await h.db.collection(c).add({ _id: '42', v: 2 })
    expect((await h.db.collection(c).count()).total).toBe(2)
  })

  test('doc(number) set / update / remove, also in a transaction, keep the number', async () => {
    const c = await h.fresh('numid2')
    await h.db
      .collection(c)
      .doc(7 as never)
      .set({ v: 1 })
    await h.db
      .collection(c)
      .doc(7 as never)
      .update({ v: 2 })
    expect((await h.db.collection(c).where({}).get()).data).toEqual([{ _id: 7, v: 2 }])
    const t = await h.db.startTransaction()
    await t
      .collection(c)
      .doc(7 as never)
      .update({ v: 3 })
    await t
      .collection(c)
      .doc(8 as never)
      .set({ v: 8 })
    expect(
      (
        await t
          .collection(c)
          .doc(7 as never)
          .get()
      ).data,
    ).toEqual({ _id: 7, v: 3 })
    await t.commit()
    const all = (await h.db.collection(c).where({}).orderBy('v', 'asc').get()).data
    expect(all).toEqual([
      { _id: 7, v: 3 },
      { _id: 8, v: 8 },
    ])
    await h.db
      .collection(c)
      .doc(7 as never)
      .remove()
    expect((await h.db.collection(c).count()).total).toBe(1)
  })
})

describe('ObjectId', () => {
  test('an ObjectId _id stays an ObjectId: found by it, not by its hex string', async () => {
    const c = await h.fresh('oidid')
    const oid = (h.db as unknown as { ObjectId(o: { id: string }): unknown }).ObjectId({ id: HEX })
    await h.db.collection(c).add({ _id: oid, v: 3 })
    const byOid = (await h.db.collection(c).where({ _id: oid }).get()).data
    expect(byOid).toHaveLength(1)
    expect(byOid[0]).toEqual({ _id: sdkReadsObjectId(), v: 3 })
    expect((await h.db.collection(c).where({ _id: HEX }).get()).data).toEqual([])
  })

  test('an ObjectId in another field reads back as CloudBase answers it, and queries by it match', async () => {
    const c = await h.fresh('oidfield')
    const oid = (h.db as unknown as { ObjectId(o: { id: string }): unknown }).ObjectId({ id: HEX })
    const added = await h.db.collection(c).add({ ref: oid, v: 2 })
    const got = (await h.db.collection(c).where({ ref: oid }).get()).data
    expect(got).toEqual([{ _id: added.id, ref: sdkReadsObjectId(), v: 2 }])
  })
})
