import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type {
  CampaignDeliveryDoc,
  CampaignDoc,
  CampaignWeekDoc,
  SubscribeConsentDoc,
} from './documents'

/** The campaigns domain's collections and indexes. */
export const CAMPAIGNS_COLLECTIONS = {
  /** Subscribe-message send credits: one per accepted request, per member and template. */
  subscribeConsents: defineCollection<SubscribeConsentDoc>({
    name: 'subscribeConsents',
    indexes: [{ name: 'memberId', fields: ['memberId'] }],
  }),
  /** Subscribe-message campaigns to member segments (HQ's and store managers'). */
  campaigns: defineCollection<CampaignDoc>({
    name: 'campaigns',
    indexes: [
      { name: 'status', fields: ['status', 'sendAt'] },
      { name: 'storeId', fields: ['storeId', 'createdAt'] },
    ],
  }),
  /**
   * One row per campaign and member, `_id` = `<campaignId>:<memberId>`: inserted (claimed) before
   * the message is sent, so the unique _id is what stops a restarted dispatch sending twice.
   */
  campaignDeliveries: defineCollection<CampaignDeliveryDoc>({
    name: 'campaignDeliveries',
    indexes: [
      { name: 'campaignId', fields: ['campaignId', 'status'] },
      // The member's campaign centre: what was sent to them, newest first.
      { name: 'memberId', fields: ['memberId', 'doneAt'] },
    ],
  }),
  /** Campaigns a member received per Shanghai week (`<memberId>:<yyyy-mm-dd>`), capped by conditional increments. */
  campaignWeeks: defineCollection<CampaignWeekDoc>({ name: 'campaignWeeks', indexes: [] }),
} as const satisfies Record<string, CollectionSpec>
