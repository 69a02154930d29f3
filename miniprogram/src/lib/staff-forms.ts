/**
 * Checks for the counter forms, before anything is sent: a clerk sees what is wrong next to the
 * field. The server checks again; these only save a round trip.
 */
import { formatFen, MAX_SALE_FEN, readYuan } from './format'

export interface SaleDraft {
  memberCode: string
  amount: string
  receiptNo: string
}

/** The member code or coupon code as typed or scanned, without spaces, when it is one. */
export function normalizeMemberCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '')
  return MEMBER_CODE.test(code) ? code : undefined
}

/** HQ's till rules (`staff.saleRules`): the per-receipt ceiling and when to ask for confirmation. */
export interface SaleRules {
  receiptLimitFen: number
  confirmAboveFen: number
}

export interface SaleCheck {
  /** Present when the draft can be sent: the request's fields. */
  ready?: { memberCode: string; amountFen: number; receiptNo: string }
  errors: Partial<Record<keyof SaleDraft, string>>
  /** The amount as it will be recorded, e.g. "¥88.50". */
  amountPreview?: string
  /** Above HQ's confirmation threshold: the clerk confirms the amount before it is sent. */
  needsConfirm?: boolean
}

const RECEIPT_NO = /^[A-Za-z0-9_-]{1,40}$/
/**
 * What the till scans (shared/staff/contract.ts `scanMember`): a member code of 20 digits, or a
 * coupon code (券码) of 22 shown on a coupon's page, which brings that coupon to the sale.
 */
export const MEMBER_CODE = /^(?:\d{20}|\d{22})$/
/** Pickup codes are not specified yet; accept what a code printed on a screen can be. */
const PICKUP_CODE = /^[A-Za-z0-9]{4,64}$/

/**
 * Without `rules` (not loaded yet) the amount is only checked against the app's own ceiling; the
 * server checks HQ's again either way.
 */
export function checkSale(draft: SaleDraft, rules?: SaleRules): SaleCheck {
  const errors: SaleCheck['errors'] = {}
  const memberCode = draft.memberCode.replace(/\s+/g, '')
  const receiptNo = draft.receiptNo.trim()
  const read = draft.amount.trim() === '' ? undefined : readYuan(draft.amount)
  const limitFen = Math.min(rules?.receiptLimitFen ?? MAX_SALE_FEN, MAX_SALE_FEN)

  if (memberCode !== '' && !MEMBER_CODE.test(memberCode))
    errors.memberCode = '会员码应为 20 位数字（券码 22 位），请重新扫描'
  if (read === 'format') errors.amount = '金额格式不对：请输入数字，最多两位小数'
  else if (read === 'zero') errors.amount = '请输入大于 0 的金额'
  else if (read !== undefined && read > limitFen)
    errors.amount = rules
      ? `单张小票不能超过 ${formatFen(limitFen)}（总部设定的上限）`
      : `单张小票不能超过 ${formatFen(limitFen)}`
  if (receiptNo !== '' && !RECEIPT_NO.test(receiptNo))
    errors.receiptNo = '小票号只能包含字母、数字、- 和 _'

  const amountFen = typeof read === 'number' && errors.amount === undefined ? read : undefined
  const complete = memberCode !== '' && amountFen !== undefined && receiptNo !== ''
  const valid = Object.keys(errors).length === 0
  return {
    errors,
    ...(amountFen !== undefined ? { amountPreview: formatFen(amountFen) } : {}),
    ...(amountFen !== undefined && rules && amountFen > rules.confirmAboveFen
      ? { needsConfirm: true }
      : {}),
    ...(complete && valid ? { ready: { memberCode, amountFen, receiptNo } } : {}),
  }
}

/** A pickup code as the counter types it: spaces dropped; undefined unless it looks like one. */
export function normalizePickupCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '')
  return PICKUP_CODE.test(code) ? code : undefined
}
