/**
 * The weekly cap (at most MEMBER_CAMPAIGNS_PER_WEEK campaigns reach a member per Shanghai week),
 * a dispatch batch at a time. `campaignWeeks/<memberId>:<week>` counts the week's campaigns and
 * lists them (`campaigns`).
 *
 * Guarantee: a slot is taken only by a conditional increment (`count < cap`) or by inserting the
 * week's row with count 1 (its unique _id: a racing insert fails instead of overwriting), and at
 * most once per member, week and campaign (`campaigns` must not hold the campaign; the update adds
 * it). So a batch learns which slots it took by the update's count, or, when some did not match,
 * by reading which rows now list the campaign.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import { MEMBER_CAMPAIGNS_PER_WEEK } from './rules/segments'

const weeks = () => collection(COLLECTIONS.campaignWeeks)
const weekId = (memberId: string, weekKey: string) => `${memberId}:${weekKey}`

/** Rounds of update → read → insert before a member whose row keeps changing counts as capped. */
const ATTEMPTS = 3

/** Takes a slot of `weekKey` for each member, for `campaignId`; the members that got one. */
export async function takeWeeklySlots(
  memberIds: readonly string[],
  weekKey: string,
  campaignId: string,
): Promise<Set<string>> {
  const _ = database().command
  const taken = new Set<string>()
  let todo = [...memberIds]
  for (let attempt = 0; todo.length && attempt < ATTEMPTS; attempt++) {
    const ids = todo.map((id) => weekId(id, weekKey))
    const updated = await weeks().updateWhere(
      { _id: _.in(ids), count: _.lt(MEMBER_CAMPAIGNS_PER_WEEK), campaigns: _.neq(campaignId) },
      { count: _.inc(1), campaigns: _.push(campaignId) },
    )
    if (updated === todo.length) {
      for (const id of todo) taken.add(id)
      break
    }
    const rows = new Map(
      (
        await weeks().find(
          { _id: _.in(ids) },
          { fields: ['memberId', 'count', 'campaigns'], limit: 1000 },
        )
      ).map((row) => [row.memberId, row]),
    )
    const missing: string[] = []
    const again: string[] = []
    for (const id of todo) {
      const row = rows.get(id)
      if (!row) missing.push(id)
      else if (row.campaigns?.includes(campaignId)) taken.add(id)
      // Below the cap but not ours: the row changed after our update (created or released by
      // another campaign's dispatch): try again. At the cap: capped.
      else if (row.count < MEMBER_CAMPAIGNS_PER_WEEK) again.push(id)
    }
    // The member's first campaign this week: the row, with our slot in it.
    const inserted = await weeks().insertManyUnlessTaken(
      missing.map((id) => ({
        _id: weekId(id, weekKey),
        memberId: id,
        week: weekKey,
        count: 1,
        campaigns: [campaignId],
      })),
    )
    if (inserted) for (const id of missing) taken.add(id)
    // Created meanwhile by another dispatch (and maybe some of ours went in): the next round's
    // update and read sort them out.
    else again.push(...missing)
    todo = again
  }
  return taken
}

/** Gives back the slots `campaignId` took (WeChat refused the message, or the campaign stopped). */
export async function releaseWeeklySlots(
  memberIds: readonly string[],
  weekKey: string,
  campaignId: string,
): Promise<void> {
  if (!memberIds.length) return
  const _ = database().command
  await weeks().updateWhere(
    { _id: _.in(memberIds.map((id) => weekId(id, weekKey))), campaigns: campaignId },
    { count: _.inc(-1), campaigns: _.pull(campaignId) },
  )
}
