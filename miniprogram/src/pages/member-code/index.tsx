import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { EmptyState } from '../../components/empty-state'
import { MemberCodePanel } from '../../components/member-code-panel'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useMemberStatus } from '../../hooks/use-member-status'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { ROUTES } from '../../lib/routes'
import './index.scss'

/**
 * The code a clerk scans at the counter to record a sale to this member. It comes from
 * `member.memberCode` and changes every minute; only a member has one.
 */
export default function MemberCodePage() {
  const status = useMemberStatus()
  usePullDownRefreshOf(status.refresh)

  return (
    <PageShell className='member-code-page'>
      <QueryView query={status} skeleton={<Skeleton variant='card' />}>
        {(member) =>
          member.bound ? (
            <View className='member-code-card'>
              <MemberCodePanel code='' caption='每分钟自动刷新，请勿截图给他人' />
            </View>
          ) : (
            <EmptyState
              glyph='码'
              title='开卡后显示会员码'
              description='结账时向店员出示会员码，消费即可累积积分'
              action={{ text: '去开卡', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
            />
          )
        }
      </QueryView>
    </PageShell>
  )
}
