import { z } from 'zod'
import { lazyActions } from '../contract/lazy-actions'

/** `ping`: proves the path caller → host → function → database → back. */
export const pingInput = lazyActions({
  ping: () =>
    z.strictObject({
      /** Free text echoed back; bounded so a ping cannot be used to store large blobs. */
      note: z.string().max(200).optional(),
    }),
})

export const pingOutput = lazyActions({
  ping: () =>
    z.strictObject({
      openid: z.string().nullable(),
      appid: z.string().nullable(),
      note: z.string().nullable(),
      pingId: z.string(),
      storedAt: z.string(),
      readBack: z.boolean(),
    }),
})

export type PingResult = z.infer<(typeof pingOutput)['ping']>
