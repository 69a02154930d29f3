/** Replies shaped by shared/contract, as the functions send them. */
export const MEMBER_PROFILE = {
  memberId: 'm1',
  memberNo: '100000007',
  phoneMasked: '138****5678',
  tier: 'silver',
  points: 1280,
  storeId: 's1',
  storeName: '静安寺店',
  clerkId: 'c1',
  clerkName: '王小美',
  joinedAt: '2026-03-01T02:00:00.000Z',
  birthday: null,
} as const

/** `member.consentStatus` of a member who holds no credit yet. */
export const CONSENT_NONE = {
  templates: [
    { templateKey: 'campaign', templateId: 'tmpl-campaign', credits: 0 },
    { templateKey: 'newMessage', templateId: 'tmpl-new-message', credits: 0 },
  ],
} as const

export const STAFF_PROFILE = {
  clerkId: 'c1',
  name: '王小美',
  code: 'C1002',
  isManager: false,
  storeId: 's1',
  storeName: '静安寺店',
  memberCount: 12,
} as const

export const STAFF_STATS = {
  memberCount: 12,
  newMembersToday: 1,
  newMembersThisWeek: 3,
  newMembersThisMonth: 7,
  today: { orders: 2, salesFen: 54_250, commissionFen: 1_628 },
} as const

export const NOT_A_MEMBER = {
  ok: false as const,
  error: { code: 'NOT_FOUND', message: '还不是会员：请扫描门店或导购的二维码开卡' },
}
export const NOT_STAFF = {
  ok: false as const,
  error: { code: 'FORBIDDEN', message: '仅限在岗店员使用' },
}
export const OFFLINE = { errMsg: 'cloud.callFunction:fail request:fail timeout' }

export function ok(data: unknown) {
  return { ok: true as const, data }
}
