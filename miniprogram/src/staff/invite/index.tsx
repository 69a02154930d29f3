import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { notifyFailure } from '../../feedback/notify-failure'
import { sceneFromQuery } from '../../lib/launch-scene'
import { ROUTES } from '../../lib/routes'
import './index.scss'
import { staffChanged } from '../../lib/queries'

/**
 * Where a staff invite (a one-time code HQ issues) opens. Accepting binds this WeChat user to the
 * clerk record HQ prepared, then goes straight to the desk.
 */
export default function StaffInvitePage() {
  const router = useRouter()
  const invite = sceneFromQuery(router.params)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | undefined>(undefined)

  if (invite === undefined) {
    return (
      <PageShell>
        <EmptyState
          glyph="doc"
          title="邀请码无效"
          description="请扫描总部发给你的店员邀请码"
          action={{ text: '返回首页', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
        />
      </PageShell>
    )
  }

  const accept = async () => {
    setBusy(true)
    setFailure(undefined)
    const reply = await api.call('staff', 'bindInvite', { invite })
    setBusy(false)
    if (!reply.ok) {
      setFailure(reply.error.message)
      notifyFailure(reply.error, () => void accept())
      return
    }
    // 我的 shows the way to the desk, and the desk opens, from now on.
    void staffChanged()
    void Taro.showToast({ title: `欢迎，${reply.data.name}`, icon: 'success' })
    void Taro.redirectTo({ url: ROUTES.staffHome })
  }

  return (
    <PageShell>
      <View className="invite-card" id="invite-card">
        <View className="invite-card__title">你收到了一份店员邀请</View>
        <View className="invite-card__text">接受后，可使用店员工作台为会员记录销售、核销自提</View>
      </View>
      {failure && (
        <View className="invite-failure" id="invite-failure">
          {failure}
        </View>
      )}
      <View className="invite-actions">
        <ActionButton block id="invite-accept" busy={busy} onTap={() => void accept()}>
          接受邀请
        </ActionButton>
      </View>
    </PageShell>
  )
}
