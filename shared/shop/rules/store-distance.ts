/**
 * Which store to offer first: great-circle distance from the shopper, nearest first. Pure, so
 * the store picker's order is the same wherever it is computed.
 */

export interface LatLng {
  lat: number
  lng: number
}

/** Mean Earth radius (IUGG), in metres. */
const EARTH_RADIUS_M = 6_371_008.8

const radians = (degrees: number) => (degrees * Math.PI) / 180

/** Haversine distance in metres, rounded to the metre. */
export function distanceMetres(from: LatLng, to: LatLng): number {
  const dLat = radians(to.lat - from.lat)
  const dLng = radians(to.lng - from.lng)
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(from.lat)) * Math.cos(radians(to.lat)) * Math.sin(dLng / 2) ** 2
  return Math.round(2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))))
}

/**
 * Stores with their distance from `from`, nearest first. A store without a location (or every
 * store, when the shopper shared none) has distance null and comes after all located ones; ties
 * and the unlocated are ordered by name, so the list never reshuffles between calls.
 */
export function byDistance<S extends { name: string; location?: LatLng | null }>(
  stores: readonly S[],
  from: LatLng | null,
): Array<S & { distanceM: number | null }> {
  const measured = stores.map((store) => ({
    ...store,
    distanceM: from && store.location ? distanceMetres(from, store.location) : null,
  }))
  return measured.sort((a, b) => {
    if (a.distanceM !== b.distanceM) {
      if (a.distanceM === null) return 1
      if (b.distanceM === null) return -1
      return a.distanceM - b.distanceM
    }
    return a.name.localeCompare(b.name, 'zh-Hans-CN')
  })
}

/** Without the shopper's location: their own store first, then by name. */
export function homeStoreFirst<S extends { storeId: string; name: string }>(
  stores: readonly S[],
  homeStoreId: string | null,
): S[] {
  return [...stores].sort((a, b) => {
    if ((a.storeId === homeStoreId) !== (b.storeId === homeStoreId))
      return a.storeId === homeStoreId ? -1 : 1
    return a.name.localeCompare(b.name, 'zh-Hans-CN')
  })
}
