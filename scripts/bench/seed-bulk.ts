/**
 * Seeding for benchmarks at scale: documents straight into the gateway through the SDK, a
 * thousand per insert (one durable write each), far faster than going through the functions.
 */
import tcb from '@cloudbase/node-sdk'

const DAY_MS = 86_400_000

/**
 * Inserts `make(0)`…`make(count - 1)` (a null is skipped) in batches of a thousand. The SDK waits
 * up to 5 minutes per batch (not its default 15 s): past 256 MB of log the gateway folds it into
 * a snapshot, which at a million documents takes a while.
 */
export async function insertMany(
  stack: { url: string },
  collection: string,
  count: number,
  make: (i: number) => object | null,
): Promise<void> {
  const db = tcb
    .init({
      env: 'local',
      serviceUrl: `${stack.url}/admin`,
      secretId: 'local',
      secretKey: 'local',
      timeout: 300_000,
    })
    .database()
  for (let start = 0; start < count; start += 1000) {
    const docs: object[] = []
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const doc = make(i)
      if (doc) docs.push(doc)
    }
    if (docs.length) await db.collection(collection).add(docs)
  }
}

export const benchMemberId = (i: number) => `bm${String(i).padStart(6, '0')}`

/** Member `i` of a seeded population: `store<i % stores>`, `clerk<i % clerks>`, joined within the last `joinedWithinDays`. */
export function benchMember(
  i: number,
  now: Date,
  options: { stores?: number; clerks?: number; joinedWithinDays?: number } = {},
) {
  const tiers = ['standard', 'silver', 'gold'] as const
  const stores = options.stores ?? 20
  const clerks = options.clerks ?? 200
  const id = benchMemberId(i)
  return {
    _id: id,
    openid: `o-${id}`,
    memberNo: String(600_000_000 + i),
    status: 'active',
    tier: tiers[i % 3],
    points: (i * 37) % 5000,
    storeId: `store${i % stores}`,
    clerkId: `clerk${i % clerks}`,
    attributedAt: now,
    openedStoreId: `store${i % stores}`,
    openedClerkId: `clerk${i % clerks}`,
    joinedAt: new Date(now.getTime() - (i % (options.joinedWithinDays ?? 700)) * DAY_MS),
    lastPurchaseAt: i % 4 === 0 ? null : new Date(now.getTime() - (i % 400) * DAY_MS),
    tags: i % 10 === 0 ? ['vip'] : [],
    pointsCredited: 0,
    pointsDebited: 0,
    nextExpiryAt: new Date('2099-01-01'),
    latestExpiryAt: null,
  }
}
