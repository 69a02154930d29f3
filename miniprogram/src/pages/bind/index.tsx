import { Input, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { NoticeBar } from '../../components/notice-bar'
import { PageShell } from '../../components/page-shell'
import { isMainlandMobile } from '../../lib/format'
import { sceneFromQuery } from '../../lib/launch-scene'
import { ROUTES } from '../../lib/routes'
import './index.scss'

/**
 * Where a scanned store or clerk code lands. The scene says who to attribute the member to; it
 * is signed by the server, so this page passes it on untouched and never interprets it.
 */
export default function BindPage() {
  const router = useRouter()
  const scene = sceneFromQuery(router.params)
  const [phone, setPhone] = useState('')
  const phoneValid = isMainlandMobile(phone)

  if (scene === undefined) {
    return (
      <PageShell>
        <EmptyState
          glyph='扫'
          title='请扫描门店或导购的二维码'
          description='在门店收银台或导购处扫码，即可开通会员卡'
          action={{ text: '返回首页', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
        />
      </PageShell>
    )
  }

  return (
    <PageShell>
      <View className='bind-card' id='bind-card'>
        <View className='bind-card__label'>会员卡</View>
        <View className='bind-card__title'>开通会员卡</View>
        <View className='bind-card__text'>开卡即送积分，消费累积积分可兑换礼品</View>
        <View className='bind-card__scene' id='bind-scene'>
          二维码 {scene}
        </View>
      </View>
      <View className='bind-form'>
        <View className='bind-form__label'>手机号</View>
        <Input
          id='bind-phone'
          className='bind-form__input'
          type='number'
          maxlength={11}
          placeholder='请输入 11 位手机号'
          value={phone}
          onInput={(e) => setPhone(e.detail.value)}
        />
        {phone !== '' && !phoneValid && <View className='bind-form__error'>请输入正确的手机号</View>}
      </View>
      <NoticeBar>开卡服务正在接入，上线后即可在此开卡</NoticeBar>
      <View className='bind-actions'>
        <ActionButton block disabled id='bind-submit'>
          立即开卡
        </ActionButton>
      </View>
    </PageShell>
  )
}
