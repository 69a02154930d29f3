import { defineCollection, type CollectionSpec } from '../db/collection-spec'
import type { OpenidClaimDoc, PickupCodeDoc } from './documents'

/**
 * Claims: a value that must be unique across documents is made the `_id` of a claim document, so
 * uniqueness comes from `_id` alone and no unique index has to skip documents that lack the value
 * (a `sparse` index, which the CloudBase console cannot create).
 */
export const CLAIM_COLLECTIONS = {
  /**
   * One document per pickup code ever handed out, `_id` = the code (8 digits for a shop order,
   * 10 for a gift redemption): `{kind, ownerId, at}`. Inserting it claims the code; the order or
   * redemption then carries it. Never removed, so a code is never reused.
   */
  pickupCodes: defineCollection<PickupCodeDoc>({ name: 'pickupCodes', indexes: [] }),
  /**
   * One document per WeChat identity bound to a role, `_id` = `member:<openid>` or
   * `clerk:<openid>`: `{role, openid, ownerId, at}`. Created in the same transaction as the
   * member or clerk it names; removed in the same transaction that clears the record's openid.
   */
  openidClaims: defineCollection<OpenidClaimDoc>({ name: 'openidClaims', indexes: [] }),
} as const satisfies Record<string, CollectionSpec>
