import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import type { ClientError } from '../../api/errors'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { FormField } from '../../components/form-field'
import { PageShell } from '../../components/page-shell'
import { formatDateTime, formatFen, formatPoints } from '../../lib/format'
import { normalizePickupCode } from '../../lib/staff-forms'
import '../staff-form.scss'
import './index.scss'

type Pickup = OutputOf<Contracts, 'staff', 'pickupDetail'>

/**
 * What the counter shows for a code: a redeemed gift (10 digits) or a paid shop order (8 digits).
 * Its status label and whether it may be handed over come from the server (`actions`).
 */
interface PickupCard {
  /** 商品 for a shop order, 礼品 for a redeemed gift: what the clerk hands over. */
  goods: '商品' | '礼品'
  title: string
  statusLabel: string
  /** The server offers this clerk verifyPickup: it may be handed over now. */
  open: boolean
  handedOver: boolean
  lines: string[]
  handedOverAt: string | null
  handedOverBy: string | null
}

function describePickup(pickup: Pickup): PickupCard {
  const member = `会员：${pickup.phoneMasked ?? ''} 会员号 ${pickup.memberNo ?? ''}`
  if ('kind' in pickup && pickup.kind === 'order') {
    return {
      goods: '商品',
      title: pickup.items.map((item) => `${item.name} ×${item.qty}`).join('，'),
      statusLabel: pickup.statusLabel,
      open: pickup.actions.includes('verifyPickup'),
      handedOver: pickup.pickedUpAt !== null,
      lines: [
        ...(pickup.orderNo ? [`订单号：${pickup.orderNo}`] : []),
        member,
        `实付：${formatFen(pickup.totalFen - pickup.refundedFen)}`,
        ...(pickup.paidAt ? [`支付时间：${formatDateTime(pickup.paidAt)}`] : []),
      ],
      handedOverAt: pickup.pickedUpAt,
      handedOverBy: pickup.pickedUpBy,
    }
  }
  const gift = pickup as Exclude<Pickup, { kind: 'order' }>
  return {
    goods: '礼品',
    title: gift.giftName,
    statusLabel: gift.statusLabel,
    open: gift.actions.includes('verifyPickup'),
    handedOver: gift.collectedAt !== null,
    lines: [
      member,
      `积分：${formatPoints(gift.points)}`,
      `自提门店：${gift.storeName ?? ''}`,
      `兑换时间：${formatDateTime(gift.createdAt)}`,
    ],
    handedOverAt: gift.collectedAt,
    handedOverBy: gift.collectedByName,
  }
}
type Step = { at: 'enter' } | { at: 'confirm'; pickup: Pickup } | { at: 'done'; pickup: Pickup }

/**
 * Handing over a redeemed gift or a paid shop order: the clerk scans (WeChat) or types the
 * member's pickup code, sees what it is for (`staff.pickupDetail`), confirms, and
 * `staff.verifyPickup` marks it collected.
 * The server checks the code belongs to this clerk's store and is used once; its message is shown.
 */
export default function VerifyPickupPage() {
  const [input, setInput] = useState('')
  const [step, setStep] = useState<Step>({ at: 'enter' })
  const [problem, setProblem] = useState<ClientError | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const code = normalizePickupCode(input)

  const lookUp = async (pickupCode: string | undefined) => {
    if (pickupCode === undefined) return
    setBusy(true)
    setProblem(undefined)
    const reply = await api.call('staff', 'pickupDetail', { pickupCode })
    setBusy(false)
    if (!reply.ok) setProblem(reply.error)
    else setStep({ at: 'confirm', pickup: reply.data })
  }

  const scan = async () => {
    try {
      const result = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
      setInput(result.result)
      void lookUp(normalizePickupCode(result.result))
    } catch {
      // Cancelled.
    }
  }

  const verify = async (pickup: Pickup) => {
    if (pickup.pickupCode === null) return
    setBusy(true)
    setProblem(undefined)
    const reply = await api.call('staff', 'verifyPickup', { pickupCode: pickup.pickupCode })
    setBusy(false)
    if (!reply.ok) setProblem(reply.error)
    else setStep({ at: 'done', pickup: reply.data })
  }

  const card = step.at === 'enter' ? null : describePickup(step.pickup)

  const restart = () => {
    setInput('')
    setProblem(undefined)
    setStep({ at: 'enter' })
  }

  return (
    <PageShell>
      {step.at === 'enter' && (
        <>
          <View className="staff-form">
            <FormField
              id="pickup-code"
              label="核销码"
              placeholder="提货码 8 位或兑换码 10 位"
              value={input}
              onChange={(value) => {
                setInput(value)
                setProblem(undefined)
              }}
              error={input !== '' && code === undefined ? '核销码格式不对' : undefined}
              action={
                process.env.TARO_ENV === 'weapp'
                  ? { text: '扫码', onTap: () => void scan() }
                  : undefined
              }
            />
          </View>
          <View className="staff-form-actions">
            <ActionButton
              block
              id="pickup-lookup"
              disabled={code === undefined}
              busy={busy}
              onTap={() => void lookUp(code)}
            >
              查询
            </ActionButton>
          </View>
        </>
      )}
      {step.at !== 'enter' && (
        <View className="pickup-card" id="pickup-card">
          {step.at === 'done' && (
            <View className="pickup-card__done" id="pickup-done">
              核销成功，请将{card!.goods}交给顾客
            </View>
          )}
          <View className="pickup-card__kind">
            {card!.goods === '商品' ? '商城自提订单' : '积分兑换礼品'}
          </View>
          <View className="pickup-card__gift">{card!.title}</View>
          <View
            className={`pickup-card__status pickup-card__status--${card!.open ? 'open' : 'closed'}`}
            id="pickup-status"
          >
            {card!.statusLabel}
          </View>
          {card!.lines.map((line) => (
            <View key={line} className="pickup-card__line">
              {line}
            </View>
          ))}
          {card!.handedOverAt && (
            <View className="pickup-card__line">
              领取时间：{formatDateTime(card!.handedOverAt)}
              {card!.handedOverBy ? ` · ${card!.handedOverBy}` : ''}
            </View>
          )}
        </View>
      )}
      {step.at === 'confirm' && !card!.open && (
        <View className="pickup-problem" id="pickup-not-open">
          {card!.handedOver
            ? `该${card!.goods}已交给顾客，无需再次核销`
            : `当前「${card!.statusLabel}」，不能核销`}
        </View>
      )}
      {problem && (
        <View className="pickup-problem" id="pickup-problem">
          {problem.message}
        </View>
      )}
      {step.at === 'confirm' && (
        <View className="staff-form-actions">
          {/* Only what may be handed over now offers the hand-over. */}
          {card!.open && (
            <ActionButton
              block
              id="pickup-submit"
              busy={busy}
              onTap={() => void verify(step.pickup)}
            >
              {`确认交付${card!.goods}`}
            </ActionButton>
          )}
          <View className={card!.open ? 'pickup-secondary' : undefined}>
            <ActionButton
              block
              id="pickup-restart"
              kind={card!.open ? 'secondary' : 'primary'}
              onTap={restart}
            >
              换一个码
            </ActionButton>
          </View>
        </View>
      )}
      {step.at === 'done' && (
        <View className="staff-form-actions">
          <ActionButton block kind="secondary" id="pickup-next" onTap={restart}>
            继续核销
          </ActionButton>
        </View>
      )}
    </PageShell>
  )
}
