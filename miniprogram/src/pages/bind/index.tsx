import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { ConsentCard } from '../../components/consent-card'
import { notifyFailure } from '../../feedback/notify-failure'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { isMainlandMobile } from '../../lib/format'
import { sceneFromQuery } from '../../lib/launch-scene'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'
import { pointsChanged } from '../../lib/queries'

type Phone = { phone: string } | { phoneCode: string } | Record<string, never>

const OUTCOME_TOAST = {
  created: '开卡成功',
  existing: '你已是会员',
  reattributed: '开卡成功',
} as const

/**
 * Where a scanned store or clerk code lands. The scene says who the member is attributed to; it
 * is signed by the server, so this page passes it on untouched and never interprets it.
 * On WeChat the phone number comes from the getPhoneNumber button (a one-time code the function
 * exchanges); on H5 it is typed.
 */
// Start over at home so every page shows the new card.
const goHome = () => void Taro.reLaunch({ url: ROUTES.home })

export default function BindPage() {
  const router = useRouter()
  const scene = sceneFromQuery(router.params)
  // Opened from checkout (`then=back`): once the card is open, back to paying.
  const returnTo = router.params.then === 'back'
  const finish = returnTo ? () => void Taro.navigateBack() : goHome
  const [phone, setPhone] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | undefined>(undefined)
  const [opened, setOpened] = useState(false)
  const phoneTyped = phone.trim() !== ''
  const phoneValid = isMainlandMobile(phone)

  if (scene === undefined) {
    return (
      <PageShell>
        <EmptyState
          glyph="scan"
          title="请扫描门店或导购的二维码"
          description="在门店收银台或导购处扫码，即可开通会员卡"
          action={{ text: '返回首页', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
        />
      </PageShell>
    )
  }

  const bind = async (contact: Phone) => {
    setBusy(true)
    setFailure(undefined)
    const reply = await api.call('member', 'bind', { scene, ...contact })
    setBusy(false)
    if (!reply.ok) {
      setFailure(reply.error.message)
      notifyFailure(reply.error, () => void bind(contact))
      return
    }
    // Every page showing the member status (home, 我的, checkout) now sees the card.
    void pointsChanged()
    void Taro.showToast({ title: OUTCOME_TOAST[reply.data.outcome], icon: 'success' })
    // A new card is the moment to offer campaign notifications (the card asks once, and only
    // without a credit); someone who already had one goes straight home.
    if (reply.data.outcome === 'existing') setTimeout(finish, 800)
    else setOpened(true)
  }

  if (opened) {
    return (
      <PageShell>
        <View className="bind-card" id="bind-done">
          <View className="bind-card__label">会员卡</View>
          <View className="bind-card__title">开卡成功</View>
          <View className="bind-card__text">积分已到账，消费累积积分可兑换礼品</View>
        </View>
        <ConsentCard moment="bind" onDone={finish} />
        <View className="bind-actions">
          <ActionButton block id="bind-go-home" kind="secondary" onTap={finish}>
            {returnTo ? '返回继续付款' : '进入会员首页'}
          </ActionButton>
        </View>
      </PageShell>
    )
  }

  return (
    <PageShell>
      <View className="bind-card" id="bind-card">
        <View className="bind-card__label">会员卡</View>
        <View className="bind-card__title">开通会员卡</View>
        <View className="bind-card__text">开卡即送积分，消费累积积分可兑换礼品</View>
      </View>
      {process.env.TARO_ENV === 'weapp' ? (
        <View className="bind-actions">
          <Button
            className="bind-phone-button"
            openType="getPhoneNumber"
            disabled={busy}
            onGetPhoneNumber={(e) => {
              const code = (e.detail as { code?: string }).code
              // No code: the person declined to share the number; they can still open a card without it.
              if (code) void bind({ phoneCode: code })
            }}
          >
            微信手机号一键开卡
          </Button>
          <View
            id="bind-without-phone"
            className="bind-secondary"
            onClick={() => !busy && void bind({})}
          >
            暂不提供手机号，直接开卡
          </View>
        </View>
      ) : (
        <>
          <View className="bind-form">
            <View className="bind-form__label">手机号（选填，可稍后在「我的」补充）</View>
            <Input
              id="bind-phone"
              className="bind-form__input"
              type="number"
              maxlength={11}
              placeholder="请输入 11 位手机号"
              value={phone}
              onInput={(e) => setPhone(e.detail.value)}
            />
            {phoneTyped && !phoneValid && (
              <View className="bind-form__error">请输入正确的手机号</View>
            )}
          </View>
          <View className="bind-actions">
            <ActionButton
              block
              id="bind-submit"
              busy={busy}
              disabled={phoneTyped && !phoneValid}
              onTap={() => void bind(phoneTyped ? { phone: phone.trim() } : {})}
            >
              立即开卡
            </ActionButton>
          </View>
        </>
      )}
      {failure && (
        <View className="bind-failure" id="bind-failure">
          {failure}
        </View>
      )}
      <View className="bind-terms">
        开卡即表示同意
        <Text
          id="bind-terms-link"
          className="bind-terms__link"
          onClick={() =>
            void Taro.navigateTo({ url: withQuery(ROUTES.agreement, { kind: 'terms' }) })
          }
        >
          《会员服务协议》
        </Text>
        与
        <Text
          id="bind-privacy-link"
          className="bind-terms__link"
          onClick={() =>
            void Taro.navigateTo({ url: withQuery(ROUTES.agreement, { kind: 'privacy' }) })
          }
        >
          《隐私政策》
        </Text>
      </View>
    </PageShell>
  )
}
