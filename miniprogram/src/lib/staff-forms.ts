/**
 * Checks for the counter forms, before anything is sent: a clerk sees what is wrong next to the
 * field. The server checks again; these only save a round trip.
 */
import { formatFen, parseYuanToFen } from './format'

export interface SaleDraft {
  memberCode: string
  amount: string
  receiptNo: string
}

/** The member code as typed or scanned, without spaces, when it is one. */
export function normalizeMemberCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '')
  return MEMBER_CODE.test(code) ? code : undefined
}

export interface SaleCheck {
  /** Present when the draft can be sent: the request's fields. */
  ready?: { memberCode: string; amountFen: number; receiptNo: string }
  errors: Partial<Record<keyof SaleDraft, string>>
  /** The amount as it will be recorded, e.g. "¥88.50". */
  amountPreview?: string
}

const RECEIPT_NO = /^[A-Za-z0-9-]{1,40}$/
/** A member code is 20 digits (shared/contract/staff.ts `scanMember`). */
export const MEMBER_CODE = /^\d{20}$/
/** Pickup codes are not specified yet; accept what a code printed on a screen can be. */
const PICKUP_CODE = /^[A-Za-z0-9]{4,64}$/

export function checkSale(draft: SaleDraft): SaleCheck {
  const errors: SaleCheck['errors'] = {}
  const memberCode = draft.memberCode.replace(/\s+/g, '')
  const receiptNo = draft.receiptNo.trim()
  const amountFen = draft.amount.trim() === '' ? undefined : parseYuanToFen(draft.amount)

  if (memberCode !== '' && !MEMBER_CODE.test(memberCode))
    errors.memberCode = '会员码应为 20 位数字，请重新扫描'
  if (draft.amount.trim() !== '' && amountFen === undefined)
    errors.amount = '请输入大于 0 的金额，最多两位小数'
  if (receiptNo !== '' && !RECEIPT_NO.test(receiptNo))
    errors.receiptNo = '小票号只能包含字母、数字和短横线'

  const complete = memberCode !== '' && amountFen !== undefined && receiptNo !== ''
  const valid = Object.keys(errors).length === 0
  return {
    errors,
    ...(amountFen !== undefined ? { amountPreview: formatFen(amountFen) } : {}),
    ...(complete && valid ? { ready: { memberCode, amountFen, receiptNo } } : {}),
  }
}

/** A pickup code as the counter types it: spaces dropped; undefined unless it looks like one. */
export function normalizePickupCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, '')
  return PICKUP_CODE.test(code) ? code : undefined
}
