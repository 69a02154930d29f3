import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { TileGrid } from '../../components/tile-grid'
import { useStaffStatus, type StaffProfile, type StaffStatus } from '../../hooks/use-staff-status'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQueryAfter } from '../../hooks/use-query'
import { formatFen } from '../../lib/format'
import { ROUTES } from '../../lib/routes'
import './index.scss'

type StaffStats = OutputOf<Contracts, 'staff', 'myStats'>
type Desk =
  { staff: false } | { staff: true; profile: StaffProfile; stats: StaffStats; unread: number }

async function loadDesk(status: StaffStatus): Promise<ApiResult<Desk>> {
  if (!status.staff) return { ok: true, data: { staff: false } }
  const [stats, inbox] = await Promise.all([
    api.call('staff', 'myStats'),
    api.call('chat', 'inbox', { limit: 1 }),
  ])
  if (!stats.ok) return stats
  // The unread count is a hint on a tile: without it the desk still works.
  const unread = inbox.ok ? inbox.data.totalUnread : 0
  return {
    ok: true,
    data: { staff: true, profile: status.profile, stats: stats.data, unread },
  }
}

/** The clerk's desk: who and where they are, the counter tasks, their members in numbers. */
export default function StaffHomePage() {
  const desk = useQueryAfter(useStaffStatus(), ['staff', 'desk'], loadDesk)
  usePullDownRefreshOf(desk.refresh)
  const go = (url: string) => () => void Taro.navigateTo({ url })

  return (
    <PageShell className="staff-home">
      <QueryView query={desk} skeleton={<Skeleton variant="card" />}>
        {(state) =>
          !state.staff ? (
            <EmptyState
              glyph="store"
              title="仅限在岗店员使用"
              description="店员请扫描总部发放的店员邀请码完成绑定"
              action={{
                text: '返回会员端',
                onTap: () => void Taro.switchTab({ url: ROUTES.home }),
              }}
            />
          ) : (
            <>
              <View className="staff-header" id="staff-header">
                <View className="staff-header__eyebrow">
                  {state.profile.isManager ? '店长' : '店员'} · {state.profile.storeName}
                </View>
                <View className="staff-header__title">店员工作台</View>
                <View className="staff-header__text">{state.profile.name}，今天也辛苦了</View>
              </View>
              <TileGrid
                columns={2}
                iconColor="#2563eb"
                tiles={[
                  {
                    key: 'record-sale',
                    glyph: 'receipt',
                    title: '记录销售',
                    subtitle: '扫描会员码',
                    onTap: go(ROUTES.staffRecordSale),
                  },
                  {
                    key: 'verify-pickup',
                    glyph: 'check',
                    title: '核销自提',
                    subtitle: '输入或扫描核销码',
                    onTap: go(ROUTES.staffVerifyPickup),
                  },
                  {
                    key: 'members',
                    glyph: 'users',
                    title: state.profile.isManager ? '门店会员' : '我的会员',
                    subtitle: `${state.stats.memberCount} 位会员`,
                    onTap: go(ROUTES.staffMembers),
                  },
                  {
                    key: 'performance',
                    glyph: 'chart',
                    title: '我的业绩',
                    subtitle: '销售与提成',
                    onTap: go(ROUTES.staffPerformance),
                  },
                  {
                    key: 'my-code',
                    glyph: 'qr',
                    title: '我的导购码',
                    subtitle: '顾客扫码即归属于你',
                    onTap: go(ROUTES.staffMyCode),
                  },
                  {
                    key: 'inbox',
                    glyph: 'chat',
                    title: '会员消息',
                    subtitle: state.unread > 0 ? `${state.unread} 条未读` : '回复会员的咨询',
                    badge: state.unread,
                    onTap: go(ROUTES.staffInbox),
                  },
                  ...(state.profile.isManager
                    ? [
                        {
                          key: 'campaigns',
                          glyph: 'megaphone' as const,
                          title: '门店活动',
                          subtitle: '给本店会员发活动通知',
                          onTap: go(ROUTES.staffCampaigns),
                        },
                      ]
                    : []),
                  {
                    key: 'member-side',
                    glyph: 'swap',
                    title: '返回会员端',
                    subtitle: '以顾客身份浏览',
                    onTap: () => void Taro.switchTab({ url: ROUTES.home }),
                  },
                ]}
              />
              <Section title="会员概况">
                <View className="staff-stats" id="staff-stats">
                  <View className="staff-stats__item">
                    <View className="staff-stats__figure">{state.stats.memberCount}</View>
                    <View className="staff-stats__label">我的会员</View>
                  </View>
                  <View className="staff-stats__item">
                    <View className="staff-stats__figure">{state.stats.newMembersThisWeek}</View>
                    <View className="staff-stats__label">本周新增</View>
                  </View>
                  <View className="staff-stats__item">
                    <View className="staff-stats__figure">{state.stats.newMembersThisMonth}</View>
                    <View className="staff-stats__label">本月新增</View>
                  </View>
                </View>
              </Section>
              <Section title="今日业绩">
                <View className="staff-stats staff-today" id="staff-today">
                  <View className="staff-stats__item">
                    <View className="staff-stats__figure" id="today-sales">
                      {formatFen(state.stats.today.salesFen)}
                    </View>
                    <View className="staff-stats__label">
                      会员消费 · {state.stats.today.orders} 笔
                    </View>
                  </View>
                  <View className="staff-stats__item">
                    <View className="staff-stats__figure" id="today-commission">
                      {formatFen(state.stats.today.commissionFen)}
                    </View>
                    <View className="staff-stats__label">提成</View>
                  </View>
                  <View className="staff-stats__item">
                    <View className="staff-stats__figure" id="today-members">
                      {state.stats.newMembersToday}
                    </View>
                    <View className="staff-stats__label">新会员</View>
                  </View>
                </View>
              </Section>
            </>
          )
        }
      </QueryView>
    </PageShell>
  )
}
