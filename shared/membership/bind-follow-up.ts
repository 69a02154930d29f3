/**
 * A new card's follow-up (MemberDoc.bindPending): what its bind wrote after answering, finished
 * exactly once by whichever comes first, the member's own next call (the two entries they can
 * see) or the `finishBinds` job (the entries if still due, then the clerk's member count). The
 * welcome coupons ride along with both (flows/welcome-coupons.ts: the access guard's
 * finishNewCard, and finishBindsWithWelcome passing `alsoFinish`).
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { withTransaction } from '../platform/runtime/transaction'
import type { MemberDoc } from './documents'

/**
 * The attribution log entry and the welcome points' ledger entry of a new card, each inserted
 * once by its unique key (`bind:<memberId>`, `member:<memberId>:welcome`): however many callers
 * finish the same card at once, each entry exists once. Two round trips, plus one to mark them done.
 */
export async function finishBindEntries(
  member: Pick<MemberDoc, '_id' | 'bindPending'>,
  options: { mark?: boolean } = {},
): Promise<void> {
  const pending = member.bindPending
  if (!pending || pending.entriesDone) return
  await Promise.all([
    collection(COLLECTIONS.attributionLog).insertOnce(pending.log),
    pending.welcome ? collection(COLLECTIONS.pointsLedger).insertOnce(pending.welcome) : null,
  ])
  if (options.mark === false) return
  const _ = database().command
  // Only while the mark is there: the job may have finished the card meanwhile.
  await collection(COLLECTIONS.members).updateIf(
    { _id: member._id, 'bindPending.clerkId': _.exists(true) },
    { 'bindPending.entriesDone': true },
  )
}

/** Members a count transaction covers at most: few writes, so a conflict retries little. */
const COUNT_GROUP = 20

/** A card due for its follow-up, as finishBinds reads it. */
export type DueCard = Pick<MemberDoc, '_id' | 'memberNo' | 'tier' | 'bindPending'>

/**
 * The `finishBinds` job: every card whose bind left a follow-up gets its two entries (if still
 * due), then what another domain adds to a new card (`alsoFinish`: the welcome coupons, passed
 * by flows/welcome-coupons.ts), and then, per clerk, its count. `alsoFinish` runs on every due
 * card before its mark is removed, so it must be idempotent; if it fails, the run fails with the
 * marks still there and the next run does it again.
 *
 * Guarantee: a card adds one to its clerk's count exactly once. The transaction reads each card,
 * removes the mark of those still marked and increments the clerk by that many; a second run (or
 * a concurrent one) either conflicts and reads again or finds the marks gone. The count goes to
 * the clerk the bind chose (`bindPending.clerkId`): a transfer or deletion meanwhile moved the
 * member away from them and took one off, so the two add up.
 */
export async function finishBinds(
  ctx: InvocationContext,
  options: {
    batch?: number
    budgetMs?: number
    alsoFinish?: (cards: DueCard[]) => Promise<void>
  } = {},
): Promise<{ finished: number; more: boolean }> {
  const db = database()
  const _ = db.command
  const members = collection(COLLECTIONS.members)
  const batch = options.batch ?? 100
  const budgetMs = options.budgetMs ?? 15_000
  const started = Date.now()
  let finished = 0
  let more: boolean
  do {
    const due = await members.find(
      { 'bindPending.at': _.lte(ctx.clock.now()) },
      {
        fields: ['bindPending', 'memberNo', 'tier'],
        orderBy: ['bindPending.at', 'asc'],
        limit: batch,
      },
    )
    more = due.length === batch
    // The entries first (idempotent), a few cards at a time.
    for (let i = 0; i < due.length; i += 10)
      await Promise.all(due.slice(i, i + 10).map((m) => finishBindEntries(m, { mark: false })))
    if (options.alsoFinish && due.length) await options.alsoFinish(due)
    const byClerk = new Map<string, string[]>()
    for (const m of due) {
      const clerkId = m.bindPending!.clerkId
      byClerk.set(clerkId, [...(byClerk.get(clerkId) ?? []), m._id])
    }
    for (const [clerkId, ids] of byClerk) {
      for (let i = 0; i < ids.length; i += COUNT_GROUP) {
        const group = ids.slice(i, i + COUNT_GROUP)
        finished += await withTransaction(db, async (t) => {
          const cards = collection(COLLECTIONS.members, t)
          const marked = (await Promise.all(group.map((id) => cards.get(id)))).filter(
            (card): card is MemberDoc => card?.bindPending?.clerkId === clerkId,
          )
          if (marked.length === 0) return 0
          for (const card of marked) await cards.update(card._id, { bindPending: _.remove() })
          await collection(COLLECTIONS.clerks, t).update(clerkId, {
            memberCount: _.inc(marked.length),
          })
          return marked.length
        })
      }
    }
  } while (more && Date.now() - started < budgetMs)
  return { finished, more }
}
