import Taro from '@tarojs/taro'
import { api } from '../api'

/**
 * Asks for the "new message" subscribe consent (one reminder credit per acceptance) and reports
 * the answer with `member.reportConsent`. WeChat only: H5 has no subscribe messages. Must run
 * inside a tap handler, before anything is awaited, or WeChat refuses to show the prompt.
 */
export function askNewMessageConsent(): void {
  if (process.env.TARO_ENV !== 'weapp') return
  const templateId = SUBSCRIBE_TEMPLATE_NEW_MESSAGE
  if (templateId === '') return // not configured for this build
  const request = Taro.requestSubscribeMessage as unknown as (options: { tmplIds: string[] }) => Promise<Record<string, string>>
  void request({ tmplIds: [templateId] })
    .then((answer) => {
      const accepted = answer[templateId] === 'accept'
      return api.call('member', 'reportConsent', { results: [{ templateKey: 'newMessage', accepted }] })
    })
    .catch(() => undefined) // dismissed, or the person turned subscriptions off: nothing to record
}
