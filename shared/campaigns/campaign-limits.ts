/** The limits HQ sets on campaigns: store campaigns per week and their audience, dispatch pace. */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { defineCollection } from '../platform/db/collection-spec'

/** Members per dispatch batch unless HQ sets another. */
export const BATCH_SIZE = 500

/** The campaign limits document of the settings collection (`_id` = 'campaigns'). */
const CAMPAIGN_SETTINGS = defineCollection<{ _id: string } & Partial<CampaignLimits>>(
  COLLECTIONS.settings,
)

export interface CampaignLimits {
  maxStoreCampaignsPerWeek: number
  maxStoreAudience: number
  /** Batches one timer run may send, and members per batch (throughput vs the function's timeout). */
  dispatchBatchesPerRun?: number
  dispatchBatchSize?: number
}

const DEFAULT_LIMITS: CampaignLimits = {
  maxStoreCampaignsPerWeek: 2,
  maxStoreAudience: 2000,
  dispatchBatchesPerRun: 20,
  dispatchBatchSize: BATCH_SIZE,
}

export async function loadCampaignLimits(): Promise<CampaignLimits> {
  const saved = await collection(CAMPAIGN_SETTINGS).get('campaigns')
  if (!saved) return DEFAULT_LIMITS
  const { _id: _settingsId, ...limits } = saved
  return { ...DEFAULT_LIMITS, ...limits }
}

export async function saveCampaignLimits(limits: CampaignLimits): Promise<CampaignLimits> {
  await collection(CAMPAIGN_SETTINGS).set('campaigns', { ...limits })
  return limits
}
