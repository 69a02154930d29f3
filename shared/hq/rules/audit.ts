/**
 * The audit log as a person reads it (pure): each admin action's Chinese name and kind, each
 * outcome in Chinese, and a one-line summary of what was done with names and numbers instead of
 * ids and JSON. A new admin action needs its name here (a unit test checks every action has one).
 */
import { ROLE_LABELS, roleOf } from './roles'

export type AuditKind = 'write' | 'read' | 'signIn'

export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  write: '修改',
  read: '查看个人数据',
  signIn: '登录与账号安全',
}

/** Every action the console can call: its name in the log, and whether it changes data. */
export const AUDIT_ACTIONS: Record<string, { label: string; kind: AuditKind }> = {
  login: { label: '登录', kind: 'signIn' },
  logout: { label: '退出登录', kind: 'signIn' },
  changeMyPassword: { label: '修改自己的密码', kind: 'signIn' },
  me: { label: '查看当前账号', kind: 'read' },
  listAdminAccounts: { label: '查看账号列表', kind: 'read' },
  createAdminAccount: { label: '新建账号', kind: 'write' },
  updateAdminAccount: { label: '修改账号角色和门店', kind: 'write' },
  setAdminAccountStatus: { label: '停用或启用账号', kind: 'write' },
  resetAdminPassword: { label: '重置账号密码', kind: 'write' },
  unlockAdminAccount: { label: '解除账号锁定', kind: 'write' },
  createStore: { label: '新建门店', kind: 'write' },
  listStores: { label: '查看门店', kind: 'read' },
  setStoreLocation: { label: '设置门店位置', kind: 'write' },
  setStoreHours: { label: '设置门店营业时间', kind: 'write' },
  updateStore: { label: '修改门店', kind: 'write' },
  storeClosingCheck: { label: '查看门店停业条件', kind: 'read' },
  closeStore: { label: '门店停业', kind: 'write' },
  reopenStore: { label: '门店重新营业', kind: 'write' },
  enableClerk: { label: '重新启用导购', kind: 'write' },
  moveClerk: { label: '导购调店', kind: 'write' },
  listInvites: { label: '查看导购邀请', kind: 'read' },
  revokeInvite: { label: '撤销导购邀请', kind: 'write' },
  inviteCode: { label: '重新下载邀请码', kind: 'read' },
  poster: { label: '下载二维码海报', kind: 'read' },
  createPosterJob: { label: '生成门店海报包', kind: 'write' },
  posterBrand: { label: '查看海报品牌名', kind: 'read' },
  setPosterBrand: { label: '修改海报品牌名', kind: 'write' },
  agreements: { label: '查看会员协议与隐私政策', kind: 'read' },
  setAgreement: { label: '修改会员协议或隐私政策', kind: 'write' },
  listClerks: { label: '查看导购', kind: 'read' },
  createStaffInvite: { label: '生成导购邀请码', kind: 'write' },
  disableClerk: { label: '停用导购', kind: 'write' },
  transferMembers: { label: '转移会员', kind: 'write' },
  codeImage: { label: '下载小程序码', kind: 'read' },
  setAttributionPolicy: { label: '修改业绩归属规则', kind: 'write' },
  getAttributionPolicy: { label: '查看业绩归属规则', kind: 'read' },
  listMembers: { label: '查看会员列表', kind: 'read' },
  memberProfile: { label: '查看会员资料', kind: 'read' },
  setMemberBirthday: { label: '更正会员生日', kind: 'write' },
  listChatTemplates: { label: '查看聊天文案', kind: 'read' },
  memberConversation: { label: '查看会员聊天记录', kind: 'read' },
  saveChatTemplate: { label: '保存聊天文案', kind: 'write' },
  dashboard: { label: '查看数据看板', kind: 'read' },
  refreshDashboard: { label: '刷新看板数据', kind: 'read' },
  listAudit: { label: '查看操作日志', kind: 'read' },
  pointsRules: { label: '查看积分规则', kind: 'read' },
  setPointsRules: { label: '修改积分规则', kind: 'write' },
  adjustPoints: { label: '调整会员积分', kind: 'write' },
  memberPoints: { label: '查看会员积分', kind: 'read' },
  listGifts: { label: '查看礼品', kind: 'read' },
  createGift: { label: '新建礼品', kind: 'write' },
  updateGift: { label: '修改礼品', kind: 'write' },
  adjustGiftStock: { label: '调整礼品库存', kind: 'write' },
  cancelRedemption: { label: '取消积分兑换', kind: 'write' },
  mailRedemptions: { label: '查看邮寄兑换', kind: 'read' },
  shipRedemption: { label: '邮寄兑换发货', kind: 'write' },
  refundOrder: { label: '订单退款', kind: 'write' },
  shipOrder: { label: '订单发货', kind: 'write' },
  markOrderDelivered: { label: '标记订单签收', kind: 'write' },
  voidOfflineSale: { label: '作废线下销售', kind: 'write' },
  listOfflineSales: { label: '查看线下销售', kind: 'read' },
  createCouponTemplate: { label: '新建优惠券', kind: 'write' },
  updateCouponTemplate: { label: '修改优惠券', kind: 'write' },
  listCouponTemplates: { label: '查看优惠券', kind: 'read' },
  couponTemplateStats: { label: '查看优惠券数据', kind: 'read' },
  issueCoupons: { label: '发放优惠券', kind: 'write' },
  createCouponIssueJob: { label: '按会员号文件批量发券', kind: 'write' },
  memberCoupons: { label: '查看会员优惠券', kind: 'read' },
  setCouponBudget: { label: '设置门店发券额度', kind: 'write' },
  couponBudgets: { label: '查看门店发券额度', kind: 'read' },
  listProducts: { label: '查看商品', kind: 'read' },
  productStock: { label: '查看商品库存', kind: 'read' },
  createProduct: { label: '新建商品', kind: 'write' },
  updateProduct: { label: '修改商品', kind: 'write' },
  setStock: { label: '设置商品库存', kind: 'write' },
  uploadProductImage: { label: '上传商品图片', kind: 'write' },
  shopRules: { label: '查看销售限额', kind: 'read' },
  setShopRules: { label: '修改销售限额', kind: 'write' },
  refusedSales: { label: '查看被拒销售', kind: 'read' },
  commissionRules: { label: '查看提成规则', kind: 'read' },
  setCommissionRules: { label: '修改提成规则', kind: 'write' },
  settlement: { label: '查看提成结算', kind: 'read' },
  settlementCsv: { label: '下载提成结算', kind: 'read' },
  campaignAudienceCount: { label: '估算活动人数', kind: 'read' },
  createCampaign: { label: '新建营销活动', kind: 'write' },
  listCampaigns: { label: '查看营销活动', kind: 'read' },
  campaignResults: { label: '查看活动结果', kind: 'read' },
  stopCampaign: { label: '暂停营销活动', kind: 'write' },
  resumeCampaign: { label: '恢复营销活动', kind: 'write' },
  sendCampaignNow: { label: '立即发送活动', kind: 'write' },
  campaignLimits: { label: '查看活动发送限制', kind: 'read' },
  setCampaignLimits: { label: '修改活动发送限制', kind: 'write' },
  listOrders: { label: '查看订单', kind: 'read' },
  orderDetail: { label: '查看订单详情', kind: 'read' },
  createImportJob: { label: '导入文件', kind: 'write' },
  createExportJob: { label: '导出文件', kind: 'write' },
  createDataExport: { label: '导出数据', kind: 'read' },
  jobFile: { label: '下载导出文件', kind: 'read' },
  createTransferJob: { label: '批量转移会员', kind: 'write' },
  jobStep: { label: '推进任务', kind: 'write' },
  listJobs: { label: '查看任务', kind: 'read' },
  job: { label: '查看任务结果', kind: 'read' },
  jobProgress: { label: '查看任务进度', kind: 'read' },
  jobFileRetention: { label: '查看任务文件保留天数', kind: 'read' },
  setJobFileRetention: { label: '修改任务文件保留天数', kind: 'write' },
}

export function auditActionLabel(action: string): string {
  return AUDIT_ACTIONS[action]?.label ?? '其他操作'
}

/** The actions whose name contains `text` (what a search for 退款 finds). */
export function actionsMatching(text: string): string[] {
  const q = text.trim()
  if (!q) return []
  return Object.entries(AUDIT_ACTIONS)
    .filter(([, a]) => a.label.includes(q))
    .map(([action]) => action)
}

/** Each outcome in Chinese; `login` refusals say what happened at sign-in. */
export function auditOutcomeLabel(action: string, outcome: string): string {
  if (outcome === 'ok') return '成功'
  if (action === 'login' && outcome === 'UNAUTHENTICATED') return '密码错误'
  const labels: Record<string, string> = {
    FORBIDDEN: '无权限，已拒绝',
    INVALID_INPUT: '填写有误，未执行',
    NOT_FOUND: '对象不存在，未执行',
    CONFLICT: '有冲突，未执行',
    UNAUTHENTICATED: '未登录，已拒绝',
    RATE_LIMITED: '尝试过多，已拒绝',
    PAYLOAD_TOO_LARGE: '内容过大，已拒绝',
    INTERNAL: '系统出错',
  }
  return labels[outcome] ?? '失败'
}

/** Names the ids in the details resolve to (the service reads them for one page of entries). */
export interface AuditNames {
  stores: Map<string, string>
  clerks: Map<string, string>
  members: Map<string, string>
  admins: Map<string, string>
  gifts: Map<string, string>
  campaigns: Map<string, string>
  orders: Map<string, string>
}

/** Detail keys holding ids, and where their names come from. */
export const ID_KEYS: Record<string, keyof AuditNames> = {
  storeId: 'stores',
  clerkId: 'clerks',
  fromClerkId: 'clerks',
  toClerkId: 'clerks',
  memberId: 'members',
  adminId: 'admins',
  giftId: 'gifts',
  campaignId: 'campaigns',
  orderId: 'orders',
}

const ID_LABELS: Record<string, string> = {
  storeId: '门店',
  clerkId: '导购',
  fromClerkId: '原导购',
  toClerkId: '新导购',
  memberId: '会员',
  adminId: '账号',
  giftId: '礼品',
  campaignId: '活动',
  orderId: '订单',
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** Plain detail keys: their label and how the value reads. Keys not listed are left out. */
const FIELDS: Record<string, { label: string; format?: (value: unknown) => string | null }> = {
  username: { label: '用户名' },
  displayName: { label: '姓名' },
  role: { label: '角色', format: (v) => ROLE_LABELS[roleOf(String(v))] },
  status: {
    label: '状态',
    format: (v) => ({ active: '启用', disabled: '停用', inactive: '下架' })[String(v)] ?? String(v),
  },
  storeIds: {
    label: '门店数',
    format: (v) => (Array.isArray(v) ? `${v.length} 家` : null),
  },
  name: { label: '名称', format: (v) => `「${String(v)}」` },
  title: { label: '标题', format: (v) => `「${String(v)}」` },
  code: { label: '编码' },
  address: { label: '地址' },
  memberNo: { label: '会员号' },
  points: { label: '积分', format: (v) => (Number(v) > 0 ? `+${Number(v)}` : String(v)) },
  pointsPrice: { label: '所需积分' },
  delta: { label: '数量', format: (v) => (Number(v) > 0 ? `+${Number(v)}` : String(v)) },
  amountFen: { label: '金额', format: (v) => yuan(Number(v)) },
  shippingFeeFen: { label: '运费', format: (v) => yuan(Number(v)) },
  rateBp: { label: '提成比例', format: (v) => `${Number(v) / 100}%` },
  refundWindowDays: { label: '退款期', format: (v) => `${Number(v)} 天` },
  protectionDays: {
    label: '保护期',
    format: (v) => (v === null ? '永久归属' : `${Number(v)} 天`),
  },
  welcomeBonus: { label: '开卡积分' },
  month: { label: '月份' },
  by: { label: '维度', format: (v) => (v === 'clerk' ? '按导购' : '按门店') },
  kind: {
    label: '类型',
    format: (v) =>
      ({
        importStores: '门店导入',
        importClerks: '导购导入',
        exportSettlement: '结算导出',
        store: '门店码',
        clerk: '导购码',
      })[String(v)] ?? null,
  },
  bytes: { label: '文件', format: (v) => `${Math.max(1, Math.round(Number(v) / 1024))} KB` },
  receiptNo: { label: '小票号' },
  carrier: { label: '快递' },
  trackingNo: { label: '运单号' },
  birthday: { label: '生日' },
  isManager: { label: '店长', format: (v) => (v ? '是' : null) },
  memberIds: { label: '会员数', format: (v) => (Array.isArray(v) ? `${v.length} 位` : null) },
  reason: { label: '原因' },
}

/**
 * One line of what the entry did: ids turned into names (an id without a name is left out, never
 * shown raw), amounts in yuan, the reason last. Nested objects (a campaign's audience, rules) are
 * summarised by the action's name alone.
 */
export function auditSummary(details: Record<string, unknown>, names: AuditNames): string {
  const parts: string[] = []
  let reason: string | null = null
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue
    if (value === null && key !== 'protectionDays' && key !== 'storeId') continue
    const source = ID_KEYS[key]
    if (source) {
      const name = typeof value === 'string' ? names[source].get(value) : undefined
      if (name) parts.push(`${ID_LABELS[key]} ${name}`)
      else if (key === 'storeId' && value === null) parts.push('中心仓')
      continue
    }
    const field = FIELDS[key]
    if (!field || (typeof value === 'object' && !Array.isArray(value) && value !== null)) continue
    const text = field.format ? field.format(value) : String(value)
    if (text === null || text === '') continue
    if (key === 'reason') reason = text
    else parts.push(text.startsWith('「') ? `${field.label}${text}` : `${field.label} ${text}`)
  }
  if (reason) parts.push(`原因：${reason}`)
  return parts.join('，')
}
