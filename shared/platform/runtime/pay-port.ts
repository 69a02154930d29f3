/**
 * The WeChat Pay port, kept apart from ./ports.ts so that only functions that take payments
 * bundle wechatpay-node-v3 (it adds ~400 KB and cold-start time to every function otherwise).
 * Production and the local stack alike configure it from PAY_* (the stack points it at its sandbox).
 */
import { WeChatPayAdapter } from '../adapters/pay-wechatpay'
import type { PayPort } from '../ports/pay'
import { requiredEnv } from './env'

/** PEM from an environment variable: CloudBase's console keeps one line, so `\n` escapes are accepted. */
function pemEnv(name: string): string {
  return requiredEnv(name).replace(/\\n/g, '\n')
}

/**
 * WeChat Pay from PAY_*: PAY_APPID, PAY_MCHID, PAY_MCH_SERIAL_NO, PAY_MCH_PRIVATE_KEY,
 * PAY_API_V3_KEY, PAY_NOTIFY_URL; verification by PAY_PUBLIC_KEY_ID + PAY_PUBLIC_KEY (WeChat Pay
 * public key) and/or PAY_PLATFORM_CERTIFICATES=on (platform certificates; both during a switch);
 * PAY_API_BASE_URL only for the local sandbox.
 */
export function payFromEnv(): PayPort {
  const publicKeyId = process.env.PAY_PUBLIC_KEY_ID
  return new WeChatPayAdapter({
    appid: requiredEnv('PAY_APPID'),
    mchid: requiredEnv('PAY_MCHID'),
    merchantSerialNo: requiredEnv('PAY_MCH_SERIAL_NO'),
    merchantPrivateKey: pemEnv('PAY_MCH_PRIVATE_KEY'),
    apiV3Key: requiredEnv('PAY_API_V3_KEY'),
    notifyUrl: requiredEnv('PAY_NOTIFY_URL'),
    ...(publicKeyId ? { publicKey: { id: publicKeyId, pem: pemEnv('PAY_PUBLIC_KEY') } } : {}),
    platformCertificates: process.env.PAY_PLATFORM_CERTIFICATES === 'on',
    ...(process.env.PAY_API_BASE_URL ? { baseUrl: process.env.PAY_API_BASE_URL } : {}),
  })
}

let cached: PayPort | undefined

export function payPort(): PayPort {
  cached ??= payFromEnv()
  return cached
}
