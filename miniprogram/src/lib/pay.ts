import Taro from '@tarojs/taro'
import type { Contracts, OutputOf } from '../api/contracts'

export type PayParams = OutputOf<Contracts, 'shop', 'createOrder'>['payParams']

/** WeChat: the pay sheet. Resolves whether the person paid (false when they closed it). */
export async function requestWechatPayment(params: PayParams): Promise<boolean> {
  try {
    await Taro.requestPayment({ ...params })
    return true
  } catch {
    return false
  }
}
