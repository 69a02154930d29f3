import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ListGroup, ListRow } from '../../components/list-row'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { useMemberStatus } from '../../hooks/use-member-status'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useStaffStatus } from '../../hooks/use-staff-status'
import { TIER_LABELS } from '../../lib/format'
import { ROUTES } from '../../lib/routes'
import './index.scss'

export default function MePage() {
  const status = useMemberStatus()
  const staff = useStaffStatus()
  usePullDownRefreshOf(() => Promise.all([status.refresh(), staff.refresh()]).then(() => undefined))
  const go = (url: string) => () => void Taro.navigateTo({ url })

  return (
    <PageShell>
      <View className="me-header">
        <View className="me-header__avatar">会</View>
        <View className="me-header__body">
          <QueryView query={status} skeleton={<View className="me-header__name">微信用户</View>}>
            {(member) =>
              member.bound ? (
                <>
                  <View className="me-header__name">
                    {member.member.phoneMasked ?? `会员 ${member.member.memberNo}`}
                  </View>
                  <View className="me-header__tag">{TIER_LABELS[member.member.tier]}</View>
                </>
              ) : (
                <>
                  <View className="me-header__name">微信用户</View>
                  <View className="me-header__tag">未开卡</View>
                </>
              )
            }
          </QueryView>
        </View>
      </View>
      <ListGroup>
        <ListRow glyph="qr" title="会员码" onTap={go(ROUTES.memberCode)} />
        <ListRow glyph="receipt" title="我的订单" onTap={go(ROUTES.orders)} />
        {status.status === 'ready' && status.data.bound && (
          <ListRow id="chat-entry" glyph="chat" title="联系我的导购" onTap={go(ROUTES.chat)} />
        )}
        <ListRow
          glyph="star"
          title="积分明细"
          onTap={() => void Taro.switchTab({ url: ROUTES.points })}
        />
        {status.status === 'ready' && status.data.bound && (
          <ListRow
            id="profile-entry"
            glyph="user"
            title="资料"
            note={status.data.member.birthday ? undefined : '填写生日，享生日礼遇'}
            onTap={go(ROUTES.profile)}
          />
        )}
        {status.status === 'ready' && status.data.bound && (
          <ListRow
            id="campaigns-entry"
            glyph="ticket"
            title="会员活动"
            note="优惠与活动通知"
            onTap={go(ROUTES.campaigns)}
          />
        )}
        <ListRow
          id="account-entry"
          glyph="shield"
          title="账户与隐私"
          note="协议、导出数据、注销"
          onTap={go(ROUTES.account)}
        />
      </ListGroup>
      {/* Only staff see the way to the desk; for everyone else `staff.me` says FORBIDDEN. A failed
          check hides the entry too: the desk is not what a shopper came for. */}
      {staff.status === 'ready' && staff.data.staff && (
        <ListGroup>
          <ListRow
            id="staff-entry"
            glyph="store"
            title="店员工作台"
            note={staff.data.profile.storeName}
            onTap={go(ROUTES.staffHome)}
          />
        </ListGroup>
      )}
      <View className="me-footer">版本 {APP_VERSION}</View>
    </PageShell>
  )
}
