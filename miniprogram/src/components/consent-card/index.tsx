import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api } from '../../api'
import { useQuery } from '../../hooks/use-query'
import {
  consentAskedAt,
  markConsentAsked,
  reportConsentAnswer,
  requestWechatConsent,
  TEMPLATE_LABELS,
  type ConsentAnswer,
  type ConsentTemplate,
} from '../../lib/subscribe-consent'
import { ActionButton } from '../action-button'
import './index.scss'

interface ConsentCardProps {
  /**
   * A moment the app asks at ('bind', 'order:<id>'): the card shows there once, and only to a
   * member without a campaign credit. Without it (the campaign centre) it always shows, with the
   * credits held per template.
   */
  moment?: string
  /** After the member answered or put it off (the bind page moves on then). */
  onDone?: () => void
}

/**
 * "订阅活动通知": WeChat's subscribe sheet for the campaign template (its id comes from the
 * server), or on H5 a simulated sheet, since H5 has no subscribe messages; the answer goes to
 * `member.reportConsent`, where each acceptance is one message the member may be sent.
 */
export function ConsentCard({ moment, onDone }: ConsentCardProps) {
  const [askedBefore] = useState(() => moment !== undefined && consentAskedAt(moment))
  const status = useQuery(['member', 'consentStatus', askedBefore], () =>
    askedBefore
      ? Promise.resolve({ ok: true as const, data: { templates: [] } })
      : api.call('member', 'consentStatus'),
  )
  const [sheet, setSheet] = useState<ConsentTemplate[] | undefined>(undefined)
  const [dismissed, setDismissed] = useState(false)
  const [credits, setCredits] = useState<Partial<Record<ConsentTemplate['templateKey'], number>>>(
    {},
  )

  const templates =
    status.status === 'ready'
      ? status.data.templates.map((t) => ({ ...t, credits: credits[t.templateKey] ?? t.credits }))
      : []
  const campaign = templates.find((t) => t.templateKey === 'campaign')
  const visible =
    !dismissed && campaign !== undefined && (moment === undefined || campaign.credits === 0)

  useEffect(() => {
    if (visible && moment !== undefined) markConsentAsked(moment)
  }, [visible, moment])

  const record = async (answer: ConsentAnswer) => {
    const after = await reportConsentAnswer(answer)
    if (after) setCredits(after)
    const accepted = answer.some((a) => a.accepted)
    if (accepted) void Taro.showToast({ title: '订阅成功', icon: 'success' })
    if (moment !== undefined) setDismissed(true)
    onDone?.()
  }

  const subscribe = () => {
    if (!campaign) return
    if (process.env.TARO_ENV === 'weapp') void requestWechatConsent([campaign]).then(record)
    else setSheet([campaign])
  }

  const answerSheet = (accepted: boolean) => {
    const asked = sheet ?? []
    setSheet(undefined)
    void record(asked.map((t) => ({ templateKey: t.templateKey, accepted })))
  }

  const later = () => {
    setDismissed(true)
    onDone?.()
  }

  if (!visible) return null
  return (
    <View className="consent-card" id="consent-card">
      <View className="consent-card__title">订阅活动通知</View>
      <View className="consent-card__text">
        会员专属优惠、生日礼遇第一时间通过微信通知你；每订阅一次，可收到一条通知。
      </View>
      {moment === undefined && (
        <View className="consent-card__credits" id="consent-credits">
          {templates.map((t) => (
            <View
              key={t.templateKey}
              className="consent-card__credit"
              id={`consent-credit-${t.templateKey}`}
            >
              <View>{TEMPLATE_LABELS[t.templateKey]}</View>
              <View className="consent-card__count">可接收 {t.credits} 条</View>
            </View>
          ))}
        </View>
      )}
      <View className="consent-card__actions">
        {moment !== undefined && (
          <ActionButton id="consent-later" kind="secondary" size="small" onTap={later}>
            暂不
          </ActionButton>
        )}
        <ActionButton id="consent-subscribe" size="small" onTap={subscribe}>
          订阅活动通知
        </ActionButton>
      </View>
      {sheet && (
        <View className="consent-sheet" id="consent-sheet">
          <View className="consent-sheet__panel">
            <View className="consent-sheet__title">会员中心 申请向你发送以下消息</View>
            {sheet.map((t) => (
              <View key={t.templateKey} className="consent-sheet__row">
                {TEMPLATE_LABELS[t.templateKey]}
              </View>
            ))}
            <View className="consent-sheet__note">模拟的订阅授权（微信中为系统弹窗）</View>
            <View className="consent-sheet__actions">
              <ActionButton
                id="consent-reject"
                kind="secondary"
                size="small"
                onTap={() => answerSheet(false)}
              >
                拒绝
              </ActionButton>
              <ActionButton id="consent-accept" size="small" onTap={() => answerSheet(true)}>
                允许
              </ActionButton>
            </View>
          </View>
        </View>
      )}
    </View>
  )
}
