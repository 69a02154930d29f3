/**
 * Turning failures into what a person reads. Every failure the client reports — a function's
 * `{ok:false,error}`, a network that is down, a reply nobody can read — becomes a ClientError
 * with a Chinese message and whether retrying unchanged can help.
 */
import type { ErrorCode } from '../../../shared/platform/errors'

/** Failures detected on this side, before or instead of a function's reply. */
export type ClientSideCode = 'NETWORK' | 'FUNCTION_FAILED' | 'BAD_RESPONSE'

export interface ClientError {
  /** The function's error code (possibly one newer than this build knows), or a ClientSideCode. */
  code: string
  /** What to show, in Chinese. */
  message: string
  /** The server's or transport's own words, for logs and bug reports; never shown as is. */
  detail: string
  /** Dotted path of the offending input field, for INVALID_INPUT. */
  field?: string
  /** Whether the same request, sent again, can succeed. Drives the retry button. */
  retryable: boolean
}

interface Wording {
  message: string
  retryable: boolean
}

// Exhaustive on purpose: a new code in shared/errors.ts fails the mini-program's type check
// until someone decides what a shopper or clerk should read for it.
const SERVER_CODES: { [K in ErrorCode]: Wording } = {
  INVALID_INPUT: { message: '填写的信息有误，请检查后再试', retryable: false },
  UNAUTHENTICATED: { message: '登录状态已失效，请重新进入小程序', retryable: false },
  FORBIDDEN: { message: '没有权限进行此操作', retryable: false },
  NOT_FOUND: { message: '没有找到相关内容，可能已被删除', retryable: false },
  CONFLICT: { message: '操作未完成：数据已变化，请刷新后再试', retryable: false },
  COUPON_UNAVAILABLE: { message: '这张优惠券现在不能使用', retryable: false },
  PAYLOAD_TOO_LARGE: { message: '提交的内容太大，请精简后再试', retryable: false },
  RATE_LIMITED: { message: '操作太频繁，请稍后再试', retryable: true },
  INTERNAL: { message: '服务开小差了，请稍后重试', retryable: true },
  UNKNOWN_ACTION: { message: '当前版本暂不支持该功能，请更新小程序后再试', retryable: false },
}

const CLIENT_CODES: Record<ClientSideCode, Wording> = {
  NETWORK: { message: '网络连接失败，请检查网络后重试', retryable: true },
  FUNCTION_FAILED: { message: '服务开小差了，请稍后重试', retryable: true },
  BAD_RESPONSE: { message: '服务返回了无法识别的内容，请稍后重试', retryable: true },
}

/** For codes this build does not know (a newer server): generic, and worth one more try. */
const FALLBACK: Wording = { message: '出了点问题，请稍后重试', retryable: true }

/** INVALID_INPUT names the field when the server says which one. */
const FIELD_LABELS: Record<string, string> = {
  phone: '手机号',
  scene: '二维码',
  amountFen: '金额',
  receiptNo: '小票号',
  memberCode: '会员码',
  pickupCode: '核销码',
  note: '备注',
  invite: '邀请码',
  search: '搜索内容',
}

function wordingFor(code: string): Wording {
  if (Object.prototype.hasOwnProperty.call(SERVER_CODES, code))
    return SERVER_CODES[code as ErrorCode]
  if (Object.prototype.hasOwnProperty.call(CLIENT_CODES, code))
    return CLIENT_CODES[code as ClientSideCode]
  return FALLBACK
}

// Our functions word their refusals for the person holding the phone, in Chinese
// ("该邀请码已被使用…"), which says more than a generic line. Anything else (an English validation
// message, an empty string) stays detail for logs and the code's own wording is shown. Server
// faults and transport failures never show their text: it may carry internals.
const CHINESE = /[\u4e00-\u9fff]/
const UNLABELED = '填写的信息有误：'

function showsServerText(code: string, detail: string): boolean {
  return (
    CHINESE.test(detail) &&
    code !== 'INTERNAL' &&
    !Object.prototype.hasOwnProperty.call(CLIENT_CODES, code)
  )
}

export function clientError(code: string, detail: string, field?: string): ClientError {
  const wording = wordingFor(code)
  const label = field === undefined ? undefined : FIELD_LABELS[field.split('.').pop() ?? field]
  // The server words a refusal without a subject when its schema names no label
  // ("填写的信息有误：不能为空"); the page knows which box it was.
  const unlabeled = code === 'INVALID_INPUT' && detail.startsWith(UNLABELED)
  const message =
    unlabeled && label !== undefined
      ? `${label}${detail.slice(UNLABELED.length)}`
      : showsServerText(code, detail)
        ? detail
        : code === 'INVALID_INPUT' && label !== undefined
          ? `${label}填写有误，请检查后再试`
          : wording.message
  return field === undefined
    ? { code, message, detail, retryable: wording.retryable }
    : { code, message, detail, field, retryable: wording.retryable }
}
