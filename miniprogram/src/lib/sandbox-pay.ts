/**
 * H5 on the local stack only: there is no WeChat Pay, so "模拟支付" asks the stack's pay sandbox
 * to pay (`POST /sandbox/pay/<outTradeNo>`), which notifies the functions as WeChat would.
 * Imported only behind a build-time `TARO_ENV === 'h5'` check: not in the WeChat build.
 */
export async function sandboxPay(outTradeNo: string): Promise<boolean> {
  try {
    const res = await fetch(`/sandbox/pay/${encodeURIComponent(outTradeNo)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    return res.ok
  } catch {
    return false
  }
}
