import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import type { ClientError } from '../../api/errors'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { FormField } from '../../components/form-field'
import { PageShell } from '../../components/page-shell'
import { formatDateTime, formatPoints } from '../../lib/format'
import { normalizePickupCode } from '../../lib/staff-forms'
import '../staff-form.scss'
import './index.scss'

type Pickup = OutputOf<Contracts, 'staff', 'pickupDetail'>
type Step =
  | { at: 'enter' }
  | { at: 'confirm'; pickup: Pickup }
  | { at: 'done'; pickup: Pickup }

/**
 * Handing over a redeemed gift: the clerk scans (WeChat) or types the member's pickup code, sees
 * what it is for (`staff.pickupDetail`), confirms, and `staff.verifyPickup` marks it collected.
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

  const restart = () => {
    setInput('')
    setProblem(undefined)
    setStep({ at: 'enter' })
  }

  return (
    <PageShell>
      {step.at === 'enter' && (
        <>
          <View className='staff-form'>
            <FormField
              id='pickup-code'
              label='核销码'
              placeholder='输入顾客的兑换码'
              value={input}
              onChange={(value) => {
                setInput(value)
                setProblem(undefined)
              }}
              error={input !== '' && code === undefined ? '核销码格式不对' : undefined}
              action={process.env.TARO_ENV === 'weapp' ? { text: '扫码', onTap: () => void scan() } : undefined}
            />
          </View>
          <View className='staff-form-actions'>
            <ActionButton block id='pickup-lookup' disabled={code === undefined} busy={busy} onTap={() => void lookUp(code)}>
              查询兑换
            </ActionButton>
          </View>
        </>
      )}
      {step.at !== 'enter' && (
        <View className='pickup-card' id='pickup-card'>
          {step.at === 'done' && (
            <View className='pickup-card__done' id='pickup-done'>
              核销成功，请将礼品交给顾客
            </View>
          )}
          <View className='pickup-card__gift'>{step.pickup.giftName}</View>
          <View className='pickup-card__line'>状态：{step.pickup.statusText}</View>
          <View className='pickup-card__line'>
            会员：{step.pickup.phoneMasked ?? ''} 会员号 {step.pickup.memberNo}
          </View>
          <View className='pickup-card__line'>积分：{formatPoints(step.pickup.points)}</View>
          <View className='pickup-card__line'>自提门店：{step.pickup.storeName ?? ''}</View>
          <View className='pickup-card__line'>兑换时间：{formatDateTime(step.pickup.createdAt)}</View>
          {step.pickup.collectedAt && (
            <View className='pickup-card__line'>
              领取时间：{formatDateTime(step.pickup.collectedAt)}
              {step.pickup.collectedByName ? ` · ${step.pickup.collectedByName}` : ''}
            </View>
          )}
        </View>
      )}
      {step.at === 'confirm' && step.pickup.status !== 'awaitingPickup' && (
        <View className='pickup-problem' id='pickup-not-open'>
          {step.pickup.status === 'collected' ? '该兑换码已核销，礼品已领取，不能再次核销' : `该兑换当前「${step.pickup.statusText}」，不能核销`}
        </View>
      )}
      {problem && (
        <View className='pickup-problem' id='pickup-problem'>
          {problem.message}
        </View>
      )}
      {step.at === 'confirm' && (
        <View className='staff-form-actions'>
          <ActionButton
            block
            id='pickup-submit'
            busy={busy}
            disabled={step.pickup.status !== 'awaitingPickup'}
            onTap={() => void verify(step.pickup)}
          >
            确认核销
          </ActionButton>
          <View className='pickup-secondary'>
            <ActionButton block kind='secondary' onTap={restart}>
              换一个码
            </ActionButton>
          </View>
        </View>
      )}
      {step.at === 'done' && (
        <View className='staff-form-actions'>
          <ActionButton block kind='secondary' id='pickup-next' onTap={restart}>
            继续核销
          </ActionButton>
        </View>
      )}
    </PageShell>
  )
}
