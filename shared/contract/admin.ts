import { z } from 'zod'
import { docId, emptyInput, isoDate } from './common'
import { pointsAdminInput, pointsAdminOutput } from './points-admin'

const storeCode = z.string().regex(/^[A-Za-z0-9]{1,12}$/, '门店编码为 1-12 位字母或数字')

export const adminRole = z.enum(['hq-admin', 'analyst'])

export const storeView = z.object({
  storeId: z.string(),
  code: z.string(),
  name: z.string(),
  address: z.string(),
  status: z.enum(['active', 'closed']),
  clerkCount: z.number().int(),
  memberCount: z.number().int(),
  createdAt: isoDate,
})

export const clerkView = z.object({
  clerkId: z.string(),
  code: z.string(),
  name: z.string(),
  storeId: z.string(),
  isManager: z.boolean(),
  status: z.enum(['active', 'disabled']),
  memberCount: z.number().int(),
  bound: z.boolean(),
  createdAt: isoDate,
})

export const adminInput = {
  login: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
  logout: emptyInput,
  createStore: z.strictObject({
    code: storeCode,
    name: z.string().trim().min(1).max(40),
    address: z.string().trim().min(1).max(120),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  }),
  listStores: emptyInput,
  listClerks: z.strictObject({ storeId: docId.optional() }),
  createStaffInvite: z.strictObject({
    storeId: docId,
    name: z.string().trim().min(1).max(20),
    isManager: z.boolean().default(false),
    validHours: z.number().int().min(1).max(168).default(72),
  }),
  disableClerk: z.strictObject({ clerkId: docId, reason: z.string().trim().min(1).max(200) }),
  /** Move all of a clerk's members (or the chosen ones) to another clerk; at most 200 per call. */
  transferMembers: z.strictObject({
    fromClerkId: docId,
    toClerkId: docId,
    memberIds: z.array(docId).min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(200),
  }),
  codeImage: z.strictObject({ kind: z.enum(['store', 'clerk']), id: docId }),
  setAttributionPolicy: z.strictObject({ protectionDays: z.number().int().min(1).max(3650).nullable() }),
  ...pointsAdminInput,
} as const

export const adminOutput = {
  login: z.object({ token: z.string(), expiresAt: isoDate, role: adminRole, username: z.string() }),
  logout: z.object({ loggedOut: z.literal(true) }),
  createStore: storeView,
  listStores: z.object({ items: z.array(storeView) }),
  listClerks: z.object({ items: z.array(clerkView) }),
  createStaffInvite: z.object({ invite: z.string(), expiresAt: isoDate, pngBase64: z.string(), page: z.string() }),
  disableClerk: clerkView,
  transferMembers: z.object({ moved: z.number().int(), skipped: z.number().int(), remaining: z.number().int() }),
  codeImage: z.object({ scene: z.string(), pngBase64: z.string(), page: z.string() }),
  setAttributionPolicy: z.object({ protectionDays: z.number().int().nullable() }),
  ...pointsAdminOutput,
} as const
