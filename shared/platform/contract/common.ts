import { z } from 'zod'

/** Document ids: CloudBase ids are 32 hex characters; demo and test ids stay within this too. */
export const docId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '编号格式不正确')

export const tier = z.enum(['standard', 'silver', 'gold'])

export const isoDate = z.string()

export const emptyInput = z.strictObject({})

/** A month's sales and commission figures, as the staff performance page and HQ settlement show them. */
export const salesFigures = z.object({
  orders: z.number().int(),
  salesOnlineFen: z.number().int(),
  salesOfflineFen: z.number().int(),
  salesFen: z.number().int(),
  commissionPendingFen: z.number().int(),
  commissionSettledFen: z.number().int(),
  commissionReversedFen: z.number().int(),
})

/**
 * A store as a shopper needs it to get there: name, address, opening hours and where it is (for
 * the distance and `openLocation`). Shown on pickup orders and gift redemptions.
 */
export const storeCard = z.object({
  storeId: z.string(),
  name: z.string(),
  address: z.string(),
  /** e.g. "10:00–22:00"; null until HQ sets it. */
  hours: z.string().nullable(),
  /** GCJ-02, as Chinese maps give it; null until HQ sets it. */
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
})
export type StoreCard = z.infer<typeof storeCard>
