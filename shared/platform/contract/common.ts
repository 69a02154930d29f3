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
