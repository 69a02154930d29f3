import Taro from '@tarojs/taro'
import { api } from '../api'
import type { Contracts, OutputOf } from '../api/contracts'

export type ConsentTemplate = OutputOf<Contracts, 'member', 'consentStatus'>['templates'][number]
export type TemplateKey = ConsentTemplate['templateKey']
export type ConsentAnswer = { templateKey: TemplateKey; accepted: boolean }[]

export const TEMPLATE_LABELS: Record<TemplateKey, string> = {
  campaign: '活动通知',
  newMessage: '导购消息提醒',
  orderReady: '取货提醒',
}

type RequestSubscribe = (options: { tmplIds: string[] }) => Promise<Record<string, string>>

/**
 * WeChat's subscribe sheet for these templates; resolves what the person answered for each
 * (nothing when they dismissed it or turned subscriptions off). Must be called inside a tap
 * handler, before anything is awaited, or WeChat refuses to show the sheet.
 */
export async function requestWechatConsent(
  templates: readonly ConsentTemplate[],
): Promise<ConsentAnswer> {
  const request = Taro.requestSubscribeMessage as unknown as RequestSubscribe
  try {
    const answer = await request({ tmplIds: templates.map((t) => t.templateId) })
    return templates.map((t) => ({
      templateKey: t.templateKey,
      accepted: answer[t.templateId] === 'accept',
    }))
  } catch {
    return []
  }
}

/** Records the answer with `member.reportConsent` (each acceptance is one send credit); the credits after it. */
export async function reportConsentAnswer(answer: ConsentAnswer) {
  if (answer.length === 0) return undefined
  const reply = await api.call('member', 'reportConsent', { results: answer })
  return reply.ok ? reply.data : undefined
}

/**
 * Asks for the "new message" subscribe consent (one reminder credit per acceptance) and reports
 * the answer. WeChat only: the chat page asks from its first send, where no consent status has
 * been loaded, so the template id comes from the build. Must run inside a tap handler.
 */
export function askNewMessageConsent(): void {
  if (process.env.TARO_ENV !== 'weapp') return
  const templateId = SUBSCRIBE_TEMPLATE_NEW_MESSAGE
  if (templateId === '') return // not configured for this build
  void requestWechatConsent([{ templateKey: 'newMessage', templateId, credits: 0 }]).then(
    reportConsentAnswer,
  )
}

/** The moments the app asks at (after binding, after an order) ask once each, kept on the device. */
const askedKey = (moment: string) => `consent-asked:${moment}`
export const consentAskedAt = (moment: string): boolean =>
  Taro.getStorageSync(askedKey(moment)) === true
export const markConsentAsked = (moment: string): void =>
  Taro.setStorageSync(askedKey(moment), true)
