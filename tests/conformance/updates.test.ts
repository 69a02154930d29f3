/**
 * Conformance: updates (doc and where), update operators, set/upsert, remove, updateAndReturn,
 * conditional balance updates under concurrency, and db.serverDate() against the gateway clock.
 */
import { type Harness, readDoc, rejectionOf, removeDir, startHarness } from './helpers'

jest.setTimeout(30_000)

// The gateway's clock is injected; serverDate must come from it, not from the client.
const CLOCK_START = Date.UTC(2031, 4, 6, 7, 8, 9, 123)
let clock = CLOCK_START

let h: Harness
beforeAll(async () => {
  h = await startHarness({ now: () => clock })
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

const _ = () => h.db.command

/** Insert one doc into a fresh collection and return [collection, id]. */
async function seed(base: string, doc: Record<string, unknown>): Promise<[string, string]> {
  const c = await h.fresh(base)
  const { id } = await h.db.collection(c).add(doc)
  return [c, id!]
}

describe('doc(id).update', () => {
  test('nested object merges into the existing object (siblings kept); returns {updated: 1}', async () => {
    const [c, id] = await seed('merge', {
      name: 'a',
      addr: { city: 'SH', zip: '200000', geo: { lat: 1, lng: 2 } },
    })
    const res = await h.db
      .collection(c)
      .doc(id)
      .update({ addr: { city: 'BJ', geo: { lat: 9 } }, extra: 1 })
    expect(res.updated).toBe(1)
    expect(await readDoc(h.db, c, id)).toEqual({
      _id: id,
      name: 'a',
      addr: { city: 'BJ', zip: '200000', geo: { lat: 9, lng: 2 } },
      extra: 1,
    })
  })

  test('dotted path update sets one nested field', async () => {
    const [c, id] = await seed('dotted', { addr: { city: 'SH', zip: '1' } })
    await h.db.collection(c).doc(id).update({ 'addr.zip': '2', 'new.deep': true })
    expect(await readDoc(h.db, c, id)).toEqual({
      _id: id,
      addr: { city: 'SH', zip: '2' },
      new: { deep: true },
    })
  })

  test('update of a missing doc reports {updated: 0} and creates nothing', async () => {
    const c = await h.fresh('missing')
    const res = await h.db.collection(c).doc('ghost').update({ a: 1 })
    expect(res.updated).toBe(0)
    expect((await h.db.collection(c).count()).total).toBe(0)
  })

  test('_.set replaces a nested object instead of merging', async () => {
    const [c, id] = await seed('set', { addr: { city: 'SH', zip: '200000' } })
    await h.db
      .collection(c)
      .doc(id)
      .update({ addr: _().set({ city: 'BJ' }) })
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, addr: { city: 'BJ' } })
  })

  test('_.inc and _.mul (including on a missing field and a nested field)', async () => {
    const [c, id] = await seed('incmul', { n: 10, m: 3, sub: { k: 1 } })
    await h.db
      .collection(c)
      .doc(id)
      .update({ n: _().inc(5), m: _().mul(4), fresh: _().inc(2), sub: { k: _().inc(-3) } })
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, n: 15, m: 12, fresh: 2, sub: { k: -2 } })
    await h.db
      .collection(c)
      .doc(id)
      .update({ n: _().inc(0.5) })
    expect((await readDoc(h.db, c, id))!.n).toBe(15.5)
  })

  test('_.remove() deletes a field (and a nested field)', async () => {
    const [c, id] = await seed('remove', { a: 1, b: 2, sub: { x: 1, y: 2 } })
    await h.db
      .collection(c)
      .doc(id)
      .update({ b: _().remove(), sub: { x: _().remove() } })
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, a: 1, sub: { y: 2 } })
  })

  test('_.min and _.max', async () => {
    const [c, id] = await seed('minmax', { lo: 5, hi: 5, lo2: 5, hi2: 5 })
    await h.db
      .collection(c)
      .doc(id)
      .update({ lo: _().min(3), hi: _().max(9), lo2: _().min(8), hi2: _().max(1) })
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, lo: 3, hi: 9, lo2: 5, hi2: 5 })
  })

  test('_.rename', async () => {
    const [c, id] = await seed('rename', { old: 'v', keep: 1 })
    await h.db
      .collection(c)
      .doc(id)
      .update({ old: _().rename('renamed') })
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, renamed: 'v', keep: 1 })
  })

  test('_.push: single value, several values, array, {each, position}', async () => {
    const [c, id] = await seed('push', { arr: [1] })
    const doc = h.db.collection(c).doc(id)
    await doc.update({ arr: _().push(2) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([1, 2])
    await doc.update({ arr: _().push(3, 4) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([1, 2, 3, 4])
    await doc.update({ arr: _().push([5, 6]) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([1, 2, 3, 4, 5, 6])
    await doc.update({ arr: _().push({ each: [0], position: 0 }) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([0, 1, 2, 3, 4, 5, 6])
    await doc.update({ created: _().push('x') })
    expect((await readDoc(h.db, c, id))!.created).toEqual(['x'])
  })

  test('_.pop, _.shift, _.unshift', async () => {
    const [c, id] = await seed('popshift', { arr: [1, 2, 3, 4] })
    const doc = h.db.collection(c).doc(id)
    await doc.update({ arr: _().pop() })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([1, 2, 3])
    await doc.update({ arr: _().shift() })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([2, 3])
    await doc.update({ arr: _().unshift(0, 1) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([0, 1, 2, 3])
    await doc.update({ arr: _().unshift(['a']) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual(['a', 0, 1, 2, 3])
  })

  test('_.pull (value and condition), _.pullAll', async () => {
    const [c, id] = await seed('pull', { arr: [1, 2, 3, 2, 5, 8], tags: ['a', 'b', 'c', 'a'] })
    const doc = h.db.collection(c).doc(id)
    await doc.update({ arr: _().pull(2) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([1, 3, 5, 8])
    await doc.update({ arr: _().pull(_().gt(4)) })
    expect((await readDoc(h.db, c, id))!.arr).toEqual([1, 3])
    await doc.update({ tags: _().pullAll(['a', 'c']) })
    expect((await readDoc(h.db, c, id))!.tags).toEqual(['b'])
  })

  test('_.addToSet adds only when absent', async () => {
    const [c, id] = await seed('addtoset', { tags: ['a'] })
    const doc = h.db.collection(c).doc(id)
    await doc.update({ tags: _().addToSet('a') })
    expect((await readDoc(h.db, c, id))!.tags).toEqual(['a'])
    await doc.update({ tags: _().addToSet('b') })
    expect((await readDoc(h.db, c, id))!.tags).toEqual(['a', 'b'])
  })

  test('array operators refuse a field that is not an array; _.inc and _.mul one that is not a number; nothing is written', async () => {
    const [c, id] = await seed('types', { name: 'a', count: '3', tags: null, n: 1 })
    const doc = h.db.collection(c).doc(id)
    for (const update of [
      { name: _().push('x') },
      { name: _().addToSet('x') },
      { name: _().pull('x') },
      { name: _().pop() },
      { tags: _().push('x') },
    ]) {
      const err = await rejectionOf(doc.update(update))
      expect(err.message).toMatch(/non-array/)
    }
    for (const update of [{ count: _().inc(1) }, { count: _().mul(2) }, { tags: _().inc(1) }]) {
      const err = await rejectionOf(doc.update(update))
      expect(err.message).toMatch(/non-numeric/)
    }
    // A refused operator takes the rest of its update with it.
    await rejectionOf(doc.update({ n: _().inc(1), name: _().push('x') }))
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, name: 'a', count: '3', tags: null, n: 1 })
  })

  test('several operators in one update apply together', async () => {
    const [c, id] = await seed('combo', { n: 1, arr: [], name: 'x', gone: true })
    await h.db
      .collection(c)
      .doc(id)
      .update({ n: _().inc(1), arr: _().push('p'), name: 'y', gone: _().remove() })
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, n: 2, arr: ['p'], name: 'y' })
  })
})

describe('doc(id).set', () => {
  test('replaces the whole document (old fields disappear)', async () => {
    const [c, id] = await seed('setdoc', { a: 1, b: { c: 2 } })
    const res = await h.db.collection(c).doc(id).set({ z: 26 })
    expect(res.updated).toBe(1)
    expect(await readDoc(h.db, c, id)).toEqual({ _id: id, z: 26 })
  })

  test('upserts when the doc is missing: {updated: 0, upsertedId: id}', async () => {
    const c = await h.fresh('upsert')
    const res = await h.db.collection(c).doc('new-one').set({ v: 1 })
    // SDK maps reply data.upsert_id to upsertedId; MongoDB's upsert takes the _id from the query.
    expect(res.updated).toBe(0)
    expect(res.upsertedId).toBe('new-one')
    expect(await readDoc(h.db, c, 'new-one')).toEqual({ _id: 'new-one', v: 1 })
  })
})

describe('where().update / remove, doc().remove, updateAndReturn', () => {
  test('where().update() updates every match and returns {updated: n}', async () => {
    const c = await h.fresh('multi')
    await h.db.collection(c).add([
      { g: 1, v: 0 },
      { g: 1, v: 0 },
      { g: 2, v: 0 },
      { g: 1, v: 0 },
    ])
    const res = await h.db
      .collection(c)
      .where({ g: 1 })
      .update({ v: _().inc(1), touched: true })
    expect(res.updated).toBe(3)
    const none = await h.db.collection(c).where({ g: 9 }).update({ v: 5 })
    expect(none.updated).toBe(0)
    const docs = (await h.db.collection(c).where({}).get()).data
    expect(docs.filter((d) => d.g === 1).every((d) => d.v === 1 && d.touched === true)).toBe(true)
    expect(docs.filter((d) => d.g === 2)).toEqual([expect.objectContaining({ v: 0 })])
    expect(docs.find((d) => d.g === 2)).not.toHaveProperty('touched')
  })

  test('updated counts matched docs whose value actually changed (no-op update)', async () => {
    // MongoDB reports nModified; CloudBase's `updated` is documented as the number of updated
    // documents. A set to the same value is a no-op there.
    const c = await h.fresh('noop')
    const { id } = await h.db.collection(c).add({ v: 1 })
    const res = await h.db.collection(c).doc(id!).update({ v: 1 })
    expect([0, 1]).toContain(res.updated)
  })

  test('options({multiple: false}) makes where().update() touch a single doc', async () => {
    // query.js sends multi = apiOptions.multiple (default true)
    const c = await h.fresh('single')
    await h.db.collection(c).add([{ g: 1 }, { g: 1 }, { g: 1 }])
    const res = await h.db
      .collection(c)
      .where({ g: 1 })
      .options({ multiple: false })
      .update({ hit: true })
    expect(res.updated).toBe(1)
    expect((await h.db.collection(c).where({ hit: true }).count()).total).toBe(1)
  })

  test('where().remove() returns {deleted: n}; doc(id).remove() returns {deleted: 1|0}', async () => {
    const c = await h.fresh('rm')
    const { ids } = await h.db.collection(c).add([{ k: 'x' }, { k: 'x' }, { k: 'y' }, { k: 'z' }])
    const res = await h.db.collection(c).where({ k: 'x' }).remove()
    expect(res.deleted).toBe(2)
    const one = await h.db.collection(c).doc(ids![2]!).remove()
    expect(one.deleted).toBe(1)
    const again = await h.db.collection(c).doc(ids![2]!).remove()
    expect(again.deleted).toBe(0)
    const rest = (await h.db.collection(c).where({}).get()).data
    expect(rest).toEqual([{ _id: ids![3], k: 'z' }])
  })

  test('updateAndReturn returns {updated: 1, doc} with the new document', async () => {
    const c = await h.fresh('uar')
    const { id } = await h.db.collection(c).add({ n: 1, name: 'a' })
    const res = await h.db
      .collection(c)
      .where({ _id: id })
      .updateAndReturn({ n: _().inc(41) })
    expect(res.updated).toBe(1)
    expect(res.doc).toEqual({ _id: id, n: 42, name: 'a' })
    const miss = await h.db.collection(c).where({ _id: 'nope' }).updateAndReturn({ n: 1 })
    expect(miss.updated).toBe(0)
    expect(miss.doc ?? null).toBeNull()
  })
})

describe('conditional balance updates', () => {
  test('where({_id, points: gte(10)}).update(inc(-10)) → updated 1 or 0', async () => {
    const [c, id] = await seed('bal', { points: 15 })
    const spend = () =>
      h.db
        .collection(c)
        .where({ _id: id, points: _().gte(10) })
        .update({ points: _().inc(-10) })
    expect((await spend()).updated).toBe(1)
    expect((await spend()).updated).toBe(0)
    expect((await readDoc(h.db, c, id))!.points).toBe(5)
  })

  test('50 concurrent spends of 10 on a balance of 100: exactly 10 succeed, balance 0', async () => {
    const [c, id] = await seed('bal50', { points: 100 })
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.db
          .collection(c)
          .where({ _id: id, points: _().gte(10) })
          .update({ points: _().inc(-10) }),
      ),
    )
    const updated = results.map((r) => r.updated as number)
    expect(updated.every((u) => u === 0 || u === 1)).toBe(true)
    expect(updated.filter((u) => u === 1)).toHaveLength(10)
    expect((await readDoc(h.db, c, id))!.points).toBe(0)
  })
})

describe('db.serverDate()', () => {
  test('add stores the gateway clock as a Date; offset is added', async () => {
    clock = CLOCK_START
    const c = await h.fresh('sdate')
    const { id } = await h.db.collection(c).add({
      at: h.db.serverDate(),
      later: h.db.serverDate({ offset: 60_000 }),
      nested: { at: h.db.serverDate() },
    })
    const got = await readDoc(h.db, c, id!)
    expect(got!.at).toBeInstanceOf(Date)
    expect((got!.at as Date).getTime()).toBe(CLOCK_START)
    expect((got!.later as Date).getTime()).toBe(CLOCK_START + 60_000)
    expect((got!.nested.at as Date).getTime()).toBe(CLOCK_START)
  })

  test('update with serverDate uses the clock at the time of the update; stored dates are queryable', async () => {
    clock = CLOCK_START
    const c = await h.fresh('sdate_upd')
    const { id } = await h.db.collection(c).add({ at: h.db.serverDate() })
    clock = CLOCK_START + 3_600_000
    await h.db
      .collection(c)
      .doc(id!)
      .update({ at: h.db.serverDate(), seen: h.db.serverDate({ offset: -1000 }) })
    const got = await readDoc(h.db, c, id!)
    expect((got!.at as Date).getTime()).toBe(CLOCK_START + 3_600_000)
    expect((got!.seen as Date).getTime()).toBe(CLOCK_START + 3_600_000 - 1000)
    const hits = await h.db
      .collection(c)
      .where({ at: _().gt(new Date(CLOCK_START)) })
      .count()
    expect(hits.total).toBe(1)
  })

  test('doc(id).set with serverDate', async () => {
    clock = CLOCK_START + 5
    const c = await h.fresh('sdate_set')
    await h.db.collection(c).doc('s').set({ at: h.db.serverDate() })
    expect(((await readDoc(h.db, c, 's'))!.at as Date).getTime()).toBe(CLOCK_START + 5)
  })
})
