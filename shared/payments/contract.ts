import { z } from 'zod'
import { onFirstUse } from '../platform/contract/lazy-actions'

/** What `Taro.requestPayment` takes, as the functions hand it to the mini-program. */
export const payParams = onFirstUse(() =>
  z.object({
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string(),
    signType: z.literal('RSA'),
    paySign: z.string(),
  }),
)
export type PayParams = z.infer<ReturnType<typeof payParams>>

/**
 * `pay`: WeChat Pay's notifications arrive on the HTTP access path `/pay/notify` (not an action),
 * so it has no actions. (The payment probe, which pays for nothing, is a local-stack fixture:
 * scripts/local-cloud/fixtures/payprobe.)
 */
export const payInput = {} as const

export const payOutput = {} as const
