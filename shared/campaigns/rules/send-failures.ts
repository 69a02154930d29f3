/**
 * Why a campaign message did not reach a member, as HQ reads it: WeChat's error codes of
 * `subscribe/send` (PLATFORM.md) and our own reasons, in Chinese. Pure; shared with the console.
 */
const REASONS: Record<string, string> = {
  '43101': '会员未授权或授权次数已用完',
  '40003': '会员的微信身份无效',
  '40037': '活动模板无效',
  '47003': '消息内容不符合模板规则',
  '41030': '跳转页面不在已发布的小程序中',
  '45009': '超出微信当日发送上限',
  '-1': '微信系统繁忙',
  interrupted: '发送中断，无法确认是否送达',
  unknown: '原因未知',
}

/** The reason for a failure code (`43101`, `interrupted`); an unlisted WeChat code keeps its number. */
export function sendFailureReason(code: string): string {
  return REASONS[code] ?? `微信拒绝发送（错误码 ${code}）`
}

/** `failedByCode` as rows people read, the most frequent first. */
export function sendFailures(
  failedByCode: Record<string, number>,
): { code: string; reason: string; count: number }[] {
  return Object.entries(failedByCode)
    .map(([code, count]) => ({ code, reason: sendFailureReason(code), count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
}
