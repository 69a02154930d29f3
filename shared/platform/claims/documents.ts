/** The claim documents (collections.ts): a unique value made the `_id` of a document. */
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
