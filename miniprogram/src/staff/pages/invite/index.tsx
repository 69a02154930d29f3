import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { ActionButton } from '../../../components/action-button'
import { EmptyState } from '../../../components/empty-state'
import { NoticeBar } from '../../../components/notice-bar'
import { PageShell } from '../../../components/page-shell'
import { sceneFromQuery } from '../../../lib/launch-scene'
import { ROUTES } from '../../../lib/routes'
import './index.scss'

/**
 * Where a staff invite (a one-time code HQ issues) opens. Accepting binds this WeChat user to the
 * clerk record — the `staff` function's job, in a later issue — and then leads to the desk.
 */
export default function StaffInvitePage() {
  const router = useRouter()
  const scene = sceneFromQuery(router.params)

  if (scene === undefined) {
    return (
      <PageShell>
        <EmptyState
          glyph='邀'
          title='邀请码无效'
          description='请扫描总部发给你的店员邀请码'
          action={{ text: '返回首页', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
        />
      </PageShell>
    )
  }

  return (
    <PageShell>
      <View className='invite-card' id='invite-card'>
        <View className='invite-card__title'>你收到了一份店员邀请</View>
        <View className='invite-card__text'>接受后，可使用店员工作台为会员记录销售、核销自提</View>
        <View className='invite-card__code'>邀请码 {scene}</View>
      </View>
      <NoticeBar>店员绑定服务正在接入，上线后接受邀请即完成绑定</NoticeBar>
      <View className='invite-actions'>
        <ActionButton block id='invite-open-desk' onTap={() => void Taro.redirectTo({ url: ROUTES.staffHome })}>
          进入店员工作台
        </ActionButton>
      </View>
    </PageShell>
  )
}
