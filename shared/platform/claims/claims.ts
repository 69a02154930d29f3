/**
 * Claims (collections.ts): uniqueness by `_id` instead of a sparse unique index.
 *
 * Pickup codes: `claimPickupCode` inserts `{_id: code}` and draws another code on a duplicate;
 * only the caller whose insert succeeded may put the code on its order or redemption, so two
 * documents never carry the same code. A claimed code whose order or redemption is never written
 * (the caller crashed, lost a race, or the write failed) stays claimed and unused: nothing points
 * at it, a lookup by that code finds no order or redemption, and the code space (9·10^7 order
 * codes, 10^10 redemption codes) is far larger than the codes ever drawn.
 *
 * Openids: `openidClaimId('clerk', openid)` is the `_id` of the claim created in the clerk's
 * transaction; a second bind of the same openid fails that insert with a duplicate key and
 * applies nothing. (Members no longer need one: a card's `_id` is derived from the openid. Cards
 * bound before that hold a `member:<openid>` claim, removed when the card is deleted.)
 */
import { AppError } from '../errors'
import { collection } from '../db/collection'
import { CLAIM_COLLECTIONS } from './collections'

export type { OpenidClaimDoc, OpenidRole, PickupCodeDoc, PickupCodeOwner } from './documents'
import type { OpenidClaimDoc, OpenidRole, PickupCodeOwner } from './documents'

export function openidClaimId(role: OpenidRole, openid: string): string {
  return `${role}:${openid}`
}

/** The claim document for a new member or clerk, inserted in its transaction with `insertOnce`. */
export function openidClaim(
  role: OpenidRole,
  openid: string,
  ownerId: string,
  at: Date,
): OpenidClaimDoc {
  return { _id: openidClaimId(role, openid), role, openid, ownerId, at }
}

/** How many codes to draw before giving up: each collision is rare, eight in a row is a fault. */
const PICKUP_CODE_DRAWS = 8

/**
 * Claims a fresh pickup code drawn by `draw` (one round trip; one more per collision) and returns
 * it. Run it before the write that puts the code on the order or redemption.
 */
export async function claimPickupCode(
  draw: () => string,
  owner: PickupCodeOwner,
  at: Date,
): Promise<string> {
  const pickupCodes = collection(CLAIM_COLLECTIONS.pickupCodes)
  for (let attempt = 1; ; attempt++) {
    const code = draw()
    const claimed = await pickupCodes.insertOnce({
      _id: code,
      kind: owner.kind,
      ownerId: owner.ownerId,
      at,
    })
    if (claimed.inserted) return code
    if (attempt >= PICKUP_CODE_DRAWS) throw new AppError('CONFLICT', '取货码生成失败，请稍后重试')
  }
}
