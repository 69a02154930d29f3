import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { useMemberStatus } from '../../hooks/use-member-status'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { formatPoints, TIER_LABELS } from '../../lib/format'
import { ROUTES } from '../../lib/routes'
import './index.scss'

/** Balance and ledger. Points live on a member card, so without one this page says how to get one. */
export default function PointsPage() {
  const status = useMemberStatus()
  usePullDownRefreshOf(status.refresh)

  return (
    <PageShell>
      <QueryView query={status} skeleton={<Skeleton variant='list' rows={4} />}>
        {(member) =>
          member.bound ? (
            <>
              <View className='points-hero'>
                <View className='points-hero__label'>可用积分 · {TIER_LABELS[member.member.tier]}</View>
                <View className='points-hero__figure' id='points-balance'>
                  {formatPoints(member.member.points)}
                </View>
                <View className='points-hero__note'>积分有有效期，使用时先扣即将到期的积分</View>
              </View>
              <Section title='积分明细'>
                {/* The ledger is `points.ledger`, which arrives with the points issue. */}
                <EmptyState compact glyph='积' title='积分明细即将上线' description='每一笔积分的来源和去向都会列在这里' />
              </Section>
            </>
          ) : (
            <>
              <View className='points-hero'>
                <View className='points-hero__label'>可用积分</View>
                <View className='points-hero__figure'>--</View>
                <View className='points-hero__note'>开卡后，消费即可累积积分</View>
              </View>
              <Section title='积分明细'>
                <EmptyState
                  compact
                  glyph='积'
                  title='还没有积分记录'
                  description='到店扫描门店或导购的二维码开卡，开卡即送积分'
                  action={{ text: '去开卡', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
                />
              </Section>
            </>
          )
        }
      </QueryView>
    </PageShell>
  )
}
