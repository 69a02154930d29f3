/**
 * Every page's path, in one place. app.config.ts declares the same pages (Taro reads that file
 * on its own, at build time); tests/unit/miniprogram/routes.test.ts keeps the two in step.
 */
export const ROUTES = {
  home: '/pages/home/index',
  points: '/pages/points/index',
  gifts: '/pages/gifts/index',
  shop: '/pages/shop/index',
  me: '/pages/me/index',
  bind: '/pages/bind/index',
  memberCode: '/pages/member-code/index',
  orders: '/pages/orders/index',
  gift: '/pages/gift/index',
  redemption: '/pages/redemption/index',
  redemptions: '/pages/redemptions/index',
  chat: '/pages/chat/index',
  checkout: '/pages/checkout/index',
  order: '/pages/order/index',
  product: '/pages/product/index',
  campaigns: '/pages/campaigns/index',
  profile: '/pages/profile/index',
  account: '/pages/account/index',
  agreement: '/pages/agreement/index',
  staffHome: '/staff/home/index',
  staffInvite: '/staff/invite/index',
  staffMembers: '/staff/members/index',
  staffRecordSale: '/staff/record-sale/index',
  staffVerifyPickup: '/staff/verify-pickup/index',
  staffMemberDetail: '/staff/member-detail/index',
  staffMyCode: '/staff/my-code/index',
  staffPerformance: '/staff/performance/index',
  staffInbox: '/staff/inbox/index',
  staffChat: '/staff/chat/index',
  staffCampaigns: '/staff/campaigns/index',
} as const

export type Route = (typeof ROUTES)[keyof typeof ROUTES]

/** Tab pages: reached with switchTab, never navigateTo. */
export const TAB_ROUTES: readonly Route[] = [
  ROUTES.home,
  ROUTES.points,
  ROUTES.gifts,
  ROUTES.shop,
  ROUTES.me,
]

export function isTabRoute(path: string): boolean {
  return (TAB_ROUTES as readonly string[]).includes(normalizeRoute(path))
}

/** '/pages/home/index?x=1', 'pages/home/index' → '/pages/home/index'. */
export function normalizeRoute(path: string): string {
  const withoutQuery = path.split('?')[0] ?? ''
  return withoutQuery.startsWith('/') ? withoutQuery : `/${withoutQuery}`
}

export function withQuery(route: Route, query: Record<string, string | undefined>): string {
  const pairs = Object.entries(query).flatMap(([key, value]) =>
    value === undefined ? [] : [`${encodeURIComponent(key)}=${encodeURIComponent(value)}`],
  )
  return pairs.length === 0 ? route : `${route}?${pairs.join('&')}`
}
