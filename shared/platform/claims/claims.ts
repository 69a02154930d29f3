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
 * Openids: `openidClaimId('member', openid)` is the `_id` of the claim created in the member's
 * (or clerk's) transaction; a second bind of the same openid fails that insert with
 * DATABASE_DUPLICATE_WRITE and applies nothing.
 */
import { AppError } from '../errors'
import { database, type Database } from '../runtime/cloudbase'
import { isDbError } from '../runtime/transaction'
import { CLAIM_COLLECTIONS } from './collections'

export type PickupCodeOwner = { kind: 'order' | 'redemption'; ownerId: string }

export interface PickupCodeDoc extends PickupCodeOwner {
  _id: string
  at: Date
}

export type OpenidRole = 'member' | 'clerk'

export interface OpenidClaimDoc {
  /** `<role>:<openid>` */
  _id: string
  role: OpenidRole
  openid: string
  /** The member's or clerk's `_id`. */
  ownerId: string
  at: Date
}

export function openidClaimId(role: OpenidRole, openid: string): string {
  return `${role}:${openid}`
}

/** The claim document for a new member or clerk; insert it with `.doc(claim._id).create(rest)`. */
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
  db: Database = database(),
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const code = draw()
    try {
      await db
        .collection(CLAIM_COLLECTIONS.pickupCodes.name)
        .doc(code)
        .create({ kind: owner.kind, ownerId: owner.ownerId, at } as never)
      return code
    } catch (err) {
      if (!isDbError(err, 'DATABASE_DUPLICATE_WRITE')) throw err
      if (attempt >= PICKUP_CODE_DRAWS) throw new AppError('CONFLICT', '取货码生成失败，请稍后重试')
    }
  }
}
