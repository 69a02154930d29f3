import fc from 'fast-check'
import {
  byDistance,
  distanceMetres,
  homeStoreFirst,
} from '../../../shared/shop/rules/store-distance'

const JINGAN = { lat: 31.2235, lng: 121.4453 }
const XUJIAHUI = { lat: 31.1955, lng: 121.4375 }

describe('store distance', () => {
  it('measures great-circle distance in metres', () => {
    expect(distanceMetres(JINGAN, JINGAN)).toBe(0)
    // 静安寺 to 徐家汇 is about 3.2 km as the crow flies.
    expect(distanceMetres(JINGAN, XUJIAHUI)).toBeGreaterThan(3100)
    expect(distanceMetres(JINGAN, XUJIAHUI)).toBeLessThan(3300)
    expect(distanceMetres(JINGAN, XUJIAHUI)).toBe(distanceMetres(XUJIAHUI, JINGAN))
    // Shanghai to Beijing: about 1,070 km.
    expect(Math.round(distanceMetres(JINGAN, { lat: 39.9042, lng: 116.4074 }) / 10_000)).toBe(107)
  })

  it('orders nearest first, stores without a location last, ties and the unlocated by name', () => {
    const stores = [
      { name: '无坐标店', location: null },
      { name: '静安寺店', location: JINGAN },
      { name: '徐家汇店', location: XUJIAHUI },
      { name: '徐家汇二店', location: XUJIAHUI },
      { name: '新开店', location: undefined },
    ]
    const nearXujiahui = { lat: 31.1949, lng: 121.4369 }
    const sorted = byDistance(stores, nearXujiahui)
    // Same spot: by name in pinyin (dian < er); no location: wu < xin.
    expect(sorted.map((s) => s.name)).toEqual([
      '徐家汇店',
      '徐家汇二店',
      '静安寺店',
      '无坐标店',
      '新开店',
    ])
    expect(sorted[0]!.distanceM).toBeLessThan(100)
    expect(sorted.at(-1)!.distanceM).toBeNull()
  })

  it('without the shopper’s location: their own store first, then by name', () => {
    const stores = [
      { storeId: 'b', name: '徐家汇店' },
      { storeId: 'a', name: '静安寺店' },
      { storeId: 'c', name: '陆家嘴店' },
    ]
    const byName = [...stores]
      .sort((x, y) => x.name.localeCompare(y.name, 'zh-Hans-CN'))
      .map((s) => s.storeId)
    expect(homeStoreFirst(stores, 'c').map((s) => s.storeId)).toEqual([
      'c',
      ...byName.filter((id) => id !== 'c'),
    ])
    expect(homeStoreFirst(stores, null).map((s) => s.storeId)).toEqual(byName)
  })

  it('property: the result is a permutation of the stores, sorted by distance, the unlocated last', () => {
    const point = fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lng: fc.double({ min: -180, max: 180, noNaN: true }),
    })
    const store = fc.record({
      name: fc.string({ maxLength: 6 }),
      location: fc.option(point, { nil: null }),
    })
    fc.assert(
      fc.property(fc.array(store, { maxLength: 30 }), point, (stores, from) => {
        const sorted = byDistance(stores, from)
        // A permutation: same length and every input object used exactly once.
        expect(sorted).toHaveLength(stores.length)
        const remaining = [...stores]
        for (const s of sorted) {
          const index = remaining.findIndex((r) => r.name === s.name && r.location === s.location)
          expect(index).toBeGreaterThanOrEqual(0)
          remaining.splice(index, 1)
        }
        for (const [i, s] of sorted.entries()) {
          expect(s.distanceM === null).toBe(s.location === null)
          if (s.location) expect(s.distanceM).toBe(distanceMetres(from, s.location))
          const next = sorted[i + 1]
          if (!next) continue
          if (s.distanceM === null) expect(next.distanceM).toBeNull()
          else if (next.distanceM !== null) {
            expect(s.distanceM).toBeLessThanOrEqual(next.distanceM)
            if (s.distanceM === next.distanceM)
              expect(s.name.localeCompare(next.name, 'zh-Hans-CN')).toBeLessThanOrEqual(0)
          }
        }
      }),
      { numRuns: 500 },
    )
  })
})
