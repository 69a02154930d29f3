import { z } from 'zod'

/** `ping`: proves the path caller → host → function → database → back. */
export const pingInput = {
  ping: z.strictObject({
    /** Free text echoed back; bounded so a ping cannot be used to store large blobs. */
    note: z.string().max(200).optional(),
  }),
} as const

export const pingOutput = {
  ping: z.strictObject({
    openid: z.string().nullable(),
    appid: z.string().nullable(),
    note: z.string().nullable(),
    pingId: z.string(),
    storedAt: z.string(),
    readBack: z.boolean(),
  }),
} as const

export type PingResult = z.infer<(typeof pingOutput)['ping']>
