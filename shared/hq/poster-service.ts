/**
 * Code posters HQ prints for the stores: a store's code, a clerk's code, a new clerk's one-time
 * invite. Each is the real mini-program code (wxacode.getUnlimited, the same scene the console's
 * plain code download carries) laid out with the brand and the names (staff/rules/poster.ts),
 * drawn on the server so a job can put a whole store's posters into one ZIP.
 */
import { COLLECTIONS } from '../collections'
import { AppError } from '../platform/errors'
import { formatShanghaiMinute } from '../platform/calendar'
import { posterFont } from '../platform/image/text'
import { BIND_PAGE, STAFF_INVITE_PAGE } from '../platform/pages'
import { database } from '../platform/runtime/cloudbase'
import { collection } from '../platform/db/collection'
import { ports } from '../platform/runtime/ports'
import { signScene } from '../membership/rules/scene'
import type { ClerkDoc, StaffInviteDoc, StoreDoc } from '../staff/documents'
import { getClerk, getStore } from '../staff/lookups'
import { posterFileName, renderPoster } from '../staff/rules/poster'

/** `settings/poster`: the brand printed at the top of every poster. */
export const POSTER_SETTINGS_ID = 'poster'
export const DEFAULT_BRAND = '会员中心'

export async function posterBrand(): Promise<string> {
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc(POSTER_SETTINGS_ID)
    .get()) as { data: { brand?: string }[] }
  return res.data[0]?.brand || DEFAULT_BRAND
}

export async function savePosterBrand(brand: string): Promise<{ brand: string }> {
  await database().collection(COLLECTIONS.settings.name).doc(POSTER_SETTINGS_ID).set({ brand })
  return { brand }
}

export interface Poster {
  filename: string
  png: Buffer
}

async function code(scene: string, page: string): Promise<Buffer> {
  return ports().wechat.getUnlimitedCode({ scene, page })
}

export async function storePoster(store: StoreDoc, brand: string): Promise<Poster> {
  const scene = signScene({ kind: 'store', code: store.code }, ports().secrets.scene)
  const png = renderPoster(posterFont(), {
    brand,
    headline: store.name,
    subline: `门店码 · ${store.code}`,
    codePng: await code(scene, BIND_PAGE),
    callToAction: '微信扫码，开通会员卡',
    footnote: store.address,
  })
  return { filename: posterFileName('门店海报', store.code, store.name), png }
}

export async function clerkPoster(
  clerk: ClerkDoc,
  store: StoreDoc,
  brand: string,
): Promise<Poster> {
  const scene = signScene({ kind: 'clerk', code: clerk.code }, ports().secrets.scene)
  const png = renderPoster(posterFont(), {
    brand,
    headline: clerk.name,
    subline: `${store.name} · ${clerk.isManager ? '店长' : '导购'}`,
    codePng: await code(scene, BIND_PAGE),
    callToAction: '微信扫码，开通会员卡',
    footnote: `导购编码 ${clerk.code}`,
  })
  return { filename: posterFileName('导购海报', store.code, clerk.name, clerk.code), png }
}

export async function invitePoster(
  invite: StaffInviteDoc,
  store: StoreDoc,
  brand: string,
): Promise<Poster> {
  const scene = signScene({ kind: 'invite', code: invite.code }, ports().secrets.scene)
  const png = renderPoster(posterFont(), {
    brand,
    headline: invite.name,
    subline: `${store.name} · ${invite.isManager ? '店长' : '导购'}邀请`,
    codePng: await code(scene, STAFF_INVITE_PAGE),
    callToAction: '请本人用微信扫码，完成导购绑定',
    footnote: `仅限一次 · ${formatShanghaiMinute(invite.expiresAt)} 前有效（北京时间）`,
  })
  return { filename: posterFileName('导购邀请', store.code, invite.name), png }
}

/** One poster for the console to download (`admin.poster`). */
export async function posterFor(
  input: { kind: 'store' | 'clerk' | 'invite'; id: string },
  now: Date,
) {
  const brand = posterBrand()
  let poster: Poster
  if (input.kind === 'store') {
    const store = await getStore(input.id)
    if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'id')
    poster = await storePoster(store, await brand)
  } else if (input.kind === 'clerk') {
    const clerk = await getClerk(input.id)
    if (!clerk) throw new AppError('NOT_FOUND', '导购不存在', 'id')
    const store = await getStore(clerk.storeId)
    if (!store) throw new AppError('NOT_FOUND', '导购所在门店不存在', 'id')
    poster = await clerkPoster(clerk, store, await brand)
  } else {
    const invite = await collection(COLLECTIONS.staffInvites).get(input.id)
    if (!invite) throw new AppError('NOT_FOUND', '邀请不存在', 'id')
    if (invite.usedAt || invite.revokedAt || invite.expiresAt.getTime() <= now.getTime())
      throw new AppError('CONFLICT', '该邀请已使用、撤销或过期，不能再下载海报', 'id')
    const store = await getStore(invite.storeId)
    if (!store) throw new AppError('NOT_FOUND', '邀请所属门店不存在', 'id')
    poster = await invitePoster(invite, store, await brand)
  }
  return { filename: poster.filename, pngBase64: poster.png.toString('base64') }
}
