import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState, type ReactNode } from 'react'
import { api } from '../../api'
import { DEFAULT_POINTS_RULES, earnedPoints } from '../../../../shared/points/rules/points'
import { ActionButton } from '../action-button'
import { notifyFailure } from '../../feedback/notify-failure'
import { useMemberStatus } from '../../hooks/use-member-status'
import { shopperLocation } from '../../lib/location'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

/**
 * A shopper without a card who is about to pay loses the order's points and their clerk's
 * credit: offer the card first, with the store's code (the pickup store, else the nearest), and
 * come back to pay. `card` is shown on the page; `confirmPaying` asks once more on the way to
 * paying and answers whether to go on.
 */
export function useJoinBeforePaying(
  totalFen: number,
  storeId: string | undefined,
): {
  card: ReactNode
  confirmPaying: () => Promise<boolean>
} {
  const status = useMemberStatus()
  const [busy, setBusy] = useState(false)
  const notMember = status.status === 'ready' && !status.data.bound
  const points = earnedPoints(totalFen, 'standard', DEFAULT_POINTS_RULES)

  const openCard = async () => {
    setBusy(true)
    const near = storeId ? null : await shopperLocation()
    const reply = await api.call('member', 'storeCode', {
      ...(storeId ? { storeId } : {}),
      ...(near ? { near } : {}),
    })
    setBusy(false)
    if (!reply.ok) {
      notifyFailure(reply.error)
      return
    }
    // The bind page comes back here once the card is open; the member status is read afresh.
    void Taro.navigateTo({
      url: withQuery(ROUTES.bind, { scene: reply.data.scene, then: 'back' }),
    })
  }
  // Back from the bind page: is the shopper a member now?
  Taro.useDidShow(() => {
    if (notMember) void status.refresh()
  })

  const confirmPaying = async () => {
    if (!notMember) return true
    const answer = await Taro.showModal({
      title: '先开通会员卡？',
      content: `开卡后本单可得约 ${points} 积分，另送开卡积分；不开卡直接付款将不累积积分。`,
      confirmText: '先开卡',
      cancelText: '直接付款',
    })
    if (!answer.confirm) return true
    await openCard()
    return false
  }

  const card = notMember ? (
    <View className="join-offer" id="join-offer">
      <View className="join-offer__text">
        <View className="join-offer__title">你还不是会员</View>
        <View className="join-offer__body">
          开卡后本单可得约 {points} 积分，另送开卡积分，由专属导购为你服务
        </View>
      </View>
      <ActionButton id="join-offer-open" size="small" busy={busy} onTap={() => void openCard()}>
        先开卡
      </ActionButton>
    </View>
  ) : null

  return { card, confirmPaying }
}
