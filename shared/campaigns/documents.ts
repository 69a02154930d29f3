/** campaigns: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

import type { Segment } from './rules/segments'
// From the pure catalogue, not runtime/ports: the apps type-check this file without Node.
import type { SubscribeTemplateKey } from './templates'

export type CampaignStatus = 'scheduled' | 'sending' | 'stopped' | 'done'

/** A subscribe-message campaign to a member segment; the dispatch state lives here too. */
export interface CampaignDoc {
  _id: string
  name: string
  scope: 'hq' | 'store'
  /** Store campaigns: the manager's store (the segment is limited to it). */
  storeId: string | null
  segment: Segment
  templateKey: 'campaign'
  page: string
  fields: Record<string, string>
  status: CampaignStatus
  sendAt: Date
  createdAt: Date
  createdBy: string
  /** Set when sending starts: the instant the segment's relative dates are resolved against. */
  startedAt: Date | null
  finishedAt: Date | null
  /** Members matching the segment when sending started. */
  targeted: number | null
  /** Dispatch cursor: members are walked in _id order; everyone up to here has been handled. */
  cursor: string | null
  processed: number
  /** One dispatcher at a time: the lease holder's id and until when it holds. */
  leaseId: string | null
  leaseUntil: Date | null
  /** Set when dispatch stopped the campaign itself (WeChat refused the template or its data). */
  stopReason?: string | null
  /** A coupon template: each member the campaign reaches receives one coupon of it. */
  couponTemplateId?: string | null
}

export type CampaignDeliveryStatus = 'claimed' | 'sent' | 'failed' | 'skipped'

/** `_id` = `<campaignId>:<memberId>`: claimed before the send, so a member is sent a campaign at most once. */
export interface CampaignDeliveryDoc {
  _id: string
  campaignId: string
  memberId: string
  openid: string
  status: CampaignDeliveryStatus
  claimedAt: Date
  doneAt?: Date
  errcode?: number
  errmsg?: string
  /** skipped: 'weeklyCap'; failed without a WeChat answer: 'interrupted'. */
  reason?: string
  /** The coupon the campaign gave this member (sent, and the campaign carries one). */
  couponId?: string | null
  /** The dispatch batch that claimed the row (a token per batch): how it recognises its own claims. */
  claim?: string
}

/** A member's subscription credits for one template (`_id` = `<memberId>:<templateKey>`). */
export interface SubscribeConsentDoc {
  _id: string
  memberId: string
  templateKey: SubscribeTemplateKey
  credits: number
  updatedAt: Date
  /**
   * Campaign templates only: the last campaigns that spent a credit here (newest last, at most
   * SPENT_FOR_KEPT). A campaign spends at most one per member (the spend's condition), and a
   * dispatch learns from it which of a batch's spends were its own.
   */
  spentFor?: string[]
}

/** How many campaigns a member was sent in one week (`_id` = `<memberId>:<week>`). */
export interface CampaignWeekDoc {
  _id: string
  memberId: string
  week: string
  count: number
  /** The campaigns that took the week's slots (absent on rows written before it was kept). */
  campaigns?: string[]
}
