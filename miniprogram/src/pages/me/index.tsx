import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ListGroup, ListRow } from '../../components/list-row'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { useMemberStatus } from '../../hooks/use-member-status'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { ROUTES } from '../../lib/routes'
import './index.scss'

export default function MePage() {
  const status = useMemberStatus()
  usePullDownRefreshOf(status.refresh)
  const go = (url: string) => () => void Taro.navigateTo({ url })

  return (
    <PageShell>
      <View className='me-header'>
        <View className='me-header__avatar'>会</View>
        <View className='me-header__body'>
          <View className='me-header__name'>微信用户</View>
          <QueryView query={status} skeleton={<View className='me-header__tag'>…</View>}>
            {(member) => <View className='me-header__tag'>{member.bound ? '会员' : '未开卡'}</View>}
          </QueryView>
        </View>
      </View>
      <ListGroup>
        <ListRow glyph='码' title='会员码' onTap={go(ROUTES.memberCode)} />
        <ListRow glyph='单' title='我的订单' onTap={go(ROUTES.orders)} />
        <ListRow glyph='积' title='积分明细' onTap={() => void Taro.switchTab({ url: ROUTES.points })} />
      </ListGroup>
      {/* Staff sign in from the same app; the desk checks their staff binding itself. */}
      <ListGroup>
        <ListRow id='staff-entry' glyph='店' title='店员工作台' note='店员专用' onTap={go(ROUTES.staffHome)} />
      </ListGroup>
      <View className='me-footer'>版本 {APP_VERSION}</View>
    </PageShell>
  )
}
