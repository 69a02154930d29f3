import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useRef, useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import {
  EMPTY_ADDRESS,
  MailAddressForm,
  type AddressField,
  type MailAddress,
} from '../../components/mail-address-form'
import { NoticeBar } from '../../components/notice-bar'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { useApiQuery } from '../../hooks/use-query'
import { newClientMsgId } from '../../lib/chat-session'
import { formatFen, formatPoints, formatPostalAddress } from '../../lib/format'
import { requestWechatPayment } from '../../lib/pay'
import { CoverImage } from '../../components/cover-image'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'
import { pointsChanged } from '../../lib/queries'

type Mode = 'pickup' | 'mail'

/**
 * One gift: pictures, description, price; either pick a store holding it for pickup, or (when
 * the central warehouse has it) give an address and pay the shipping fee for mail.
 */
export default function GiftPage() {
  const { params } = useRouter()
  const giftId = params.giftId ?? ''
  const gift = useApiQuery('points', 'gift', { giftId })
  const [mode, setMode] = useState<Mode>('pickup')
  const [storeId, setStoreId] = useState<string | undefined>(undefined)
  const [address, setAddress] = useState<MailAddress>(EMPTY_ADDRESS)
  const [addressErrors, setAddressErrors] = useState<Partial<Record<AddressField, string>>>({})
  const [busy, setBusy] = useState(false)
  // A coupon exchange's request id: one per confirmed tap, the same when that tap is retried
  // (the server gives the coupon and takes the points once per id).
  const exchangeRequest = useRef<string | null>(null)

  const exchangeForCoupon = async (giftName: string, points: number) => {
    const confirm = await Taro.showModal({
      title: '确认兑换',
      content: `用 ${formatPoints(points)} 积分兑换「${giftName}」，券将放入「我的优惠券」`,
      confirmText: '确认兑换',
    })
    if (!confirm.confirm) return
    exchangeRequest.current ??= newClientMsgId()
    setBusy(true)
    const reply = await api.call('points', 'redeem', {
      giftId,
      fulfilment: 'coupon',
      requestId: exchangeRequest.current,
    })
    setBusy(false)
    if (!reply.ok) {
      // Refused (not enough points, run out): nothing was taken, so a new tap is a new exchange.
      // A failure worth retrying (no answer) keeps the id: the retry answers the same exchange.
      if (!reply.error.retryable) exchangeRequest.current = null
      notifyFailure(reply.error)
      void gift.refresh()
      return
    }
    exchangeRequest.current = null
    void pointsChanged()
    void Taro.showToast({ title: '兑换成功', icon: 'success' })
    void Taro.redirectTo({ url: withQuery(ROUTES.coupon, { id: reply.data.couponId ?? '' }) })
  }

  const redeem = async (giftName: string, points: number, storeName: string) => {
    if (storeId === undefined) return
    const confirm = await Taro.showModal({
      title: '确认兑换',
      content: `用 ${formatPoints(points)} 积分兑换「${giftName}」，到 ${storeName} 自提`,
      confirmText: '确认兑换',
    })
    if (!confirm.confirm) return
    setBusy(true)
    const reply = await api.call('points', 'redeem', { giftId, fulfilment: 'pickup', storeId })
    setBusy(false)
    if (!reply.ok) {
      notifyFailure(reply.error)
      void gift.refresh()
      return
    }
    void pointsChanged()
    void Taro.redirectTo({
      url: withQuery(ROUTES.redemption, { redemptionId: reply.data.redemptionId, fresh: '1' }),
    })
  }

  const redeemForMail = async (giftName: string, points: number, shippingFeeFen: number) => {
    const fee =
      shippingFeeFen > 0
        ? `，需支付运费 ${formatFen(shippingFeeFen)}（15 分钟内未支付将自动取消）`
        : '，包邮'
    const confirm = await Taro.showModal({
      title: '确认邮寄兑换',
      content: `用 ${formatPoints(points)} 积分兑换「${giftName}」，寄到 ${formatPostalAddress(address)}${fee}`,
      confirmText: '确认兑换',
    })
    if (!confirm.confirm) return
    setBusy(true)
    setAddressErrors({})
    const reply = await api.call('points', 'redeem', { giftId, fulfilment: 'mail', address })
    if (!reply.ok) {
      setBusy(false)
      const field = reply.error.field?.startsWith('address.')
        ? (reply.error.field.slice('address.'.length) as AddressField)
        : undefined
      // The server names the field and says what is wrong with it: shown under that field.
      if (field) setAddressErrors({ [field]: reply.error.message.replace(/^[\w.]+: /, '') })
      else notifyFailure(reply.error)
      void gift.refresh()
      return
    }
    // WeChat: the pay sheet now; the redemption page shows the outcome (and lets them pay later).
    // H5 has no WeChat Pay: the redemption page offers the sandbox's 模拟支付.
    if (process.env.TARO_ENV === 'weapp' && reply.data.payParams)
      await requestWechatPayment(reply.data.payParams)
    setBusy(false)
    void pointsChanged()
    void Taro.redirectTo({
      url: withQuery(ROUTES.redemption, { redemptionId: reply.data.redemptionId, fresh: '1' }),
    })
  }

  return (
    <PageShell>
      <QueryView query={gift} skeleton={<Skeleton variant="card" />}>
        {(detail) => {
          const stores = detail.stores.filter((s) => s.available > 0)
          const chosen = stores.find((s) => s.storeId === storeId)
          const mailOffered = detail.fulfilments.includes('mail')
          // A gift offered only by mail opens on mail.
          const shown: Mode = detail.fulfilments.includes('pickup') ? mode : 'mail'
          const addressComplete = Object.values(address).every((v) => v.trim() !== '')
          return (
            <View id="gift-detail">
              <CoverImage className="gift-cover" ratio="wide" src={detail.cover} id="gift-cover" />
              <View className="gift-head">
                <View className="gift-head__name" id="gift-name">
                  {detail.name}
                </View>
                <View className="gift-head__price" id="gift-price">
                  {formatPoints(detail.pointsPrice)} 积分
                </View>
                <View className="gift-head__text">{detail.description}</View>
              </View>
              {detail.coupon && (
                <Section title="兑换电子券">
                  <View className="gift-store gift-store--on" id="gift-coupon">
                    <View className="gift-store__name">
                      {detail.coupon.name} · {detail.coupon.summary}
                    </View>
                    <View className="gift-store__meta">
                      {detail.coupon.validityText} · {detail.coupon.channelsText}
                    </View>
                    <View className="gift-store__meta" id="gift-coupon-remaining">
                      {detail.coupon.remaining === null
                        ? '兑换后放入「我的优惠券」'
                        : detail.coupon.remaining > 0
                          ? `余 ${detail.coupon.remaining} 张，兑换后放入「我的优惠券」`
                          : '已兑完'}
                    </View>
                  </View>
                </Section>
              )}
              {detail.fulfilments.includes('pickup') && (
                <Section title="到店自提 · 选择门店">
                  {stores.length === 0 ? (
                    <View className="gift-store__none" id="gift-no-store">
                      暂无门店有货
                    </View>
                  ) : (
                    <View id="gift-stores">
                      {stores.map((store) => (
                        <View
                          key={store.storeId}
                          id={`gift-store-${store.storeId}`}
                          className={
                            shown === 'pickup' && store.storeId === storeId
                              ? 'gift-store gift-store--on'
                              : 'gift-store'
                          }
                          onClick={() => {
                            setMode('pickup')
                            setStoreId(store.storeId)
                          }}
                        >
                          <View className="gift-store__name">{store.storeName}</View>
                          <View className="gift-store__meta">
                            {store.address} · 余 {store.available} 件
                          </View>
                        </View>
                      ))}
                    </View>
                  )}
                </Section>
              )}
              {mailOffered && (
                <Section title="邮寄到家">
                  {detail.mailAvailable > 0 ? (
                    <View
                      id="gift-mail"
                      className={shown === 'mail' ? 'gift-store gift-store--on' : 'gift-store'}
                      onClick={() => setMode('mail')}
                    >
                      <View className="gift-store__name">中心仓发货，寄到你填写的地址</View>
                      <View className="gift-store__meta" id="gift-shipping-fee">
                        {detail.shippingFeeFen > 0
                          ? `运费 ${formatFen(detail.shippingFeeFen)}，微信支付`
                          : '包邮'}{' '}
                        · 余 {detail.mailAvailable} 件
                      </View>
                    </View>
                  ) : (
                    <View className="gift-store gift-store--disabled" id="gift-mail">
                      <View className="gift-store__name">中心仓发货</View>
                      <View className="gift-store__meta">
                        中心仓暂无库存，暂不能邮寄，可选择到店自提
                      </View>
                    </View>
                  )}
                  {shown === 'mail' && (
                    <MailAddressForm value={address} errors={addressErrors} onChange={setAddress} />
                  )}
                </Section>
              )}
              {shown === 'pickup' && stores.length > 0 && chosen === undefined && (
                <NoticeBar>请选择自提门店</NoticeBar>
              )}
              <View className="gift-actions">
                {detail.coupon ? (
                  <ActionButton
                    block
                    id="gift-redeem"
                    disabled={detail.coupon.remaining === 0}
                    busy={busy}
                    onTap={() => void exchangeForCoupon(detail.name, detail.pointsPrice)}
                  >
                    {detail.coupon.remaining === 0 ? '已兑完' : '立即兑换'}
                  </ActionButton>
                ) : shown === 'mail' ? (
                  <ActionButton
                    block
                    id="gift-redeem"
                    disabled={!addressComplete}
                    busy={busy}
                    onTap={() =>
                      void redeemForMail(detail.name, detail.pointsPrice, detail.shippingFeeFen)
                    }
                  >
                    {detail.shippingFeeFen > 0
                      ? `兑换并支付运费 ${formatFen(detail.shippingFeeFen)}`
                      : '立即兑换'}
                  </ActionButton>
                ) : (
                  <ActionButton
                    block
                    id="gift-redeem"
                    disabled={chosen === undefined}
                    busy={busy}
                    onTap={() =>
                      chosen && void redeem(detail.name, detail.pointsPrice, chosen.storeName)
                    }
                  >
                    立即兑换
                  </ActionButton>
                )}
              </View>
            </View>
          )
        }}
      </QueryView>
    </PageShell>
  )
}
