import { View } from '@tarojs/components'
import type { ApiResult } from '../../../api'
import { EmptyState } from '../../../components/empty-state'
import { PageShell } from '../../../components/page-shell'
import { QueryView } from '../../../components/query-view'
import { Skeleton } from '../../../components/skeleton'
import { usePullDownRefreshOf } from '../../../hooks/use-pull-down-refresh'
import { useQuery } from '../../../hooks/use-query'
import { maskPhone } from '../../../lib/format'
import './index.scss'

interface MemberRow {
  memberId: string
  phone: string
  tier: string
}

// The clerk's members come from the `staff` function (a later issue); until it exists there are
// none to list.
async function loadMembers(): Promise<ApiResult<MemberRow[]>> {
  return { ok: true, data: [] }
}

export default function StaffMembersPage() {
  const members = useQuery(loadMembers)
  usePullDownRefreshOf(members.refresh)

  return (
    <PageShell>
      <QueryView
        query={members}
        skeleton={<Skeleton variant='list' rows={5} />}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState glyph='员' title='还没有会员' description='顾客扫描你的导购码开卡后，会出现在这里' />}
      >
        {(list) => (
          <View className='staff-member-list'>
            {list.map((member) => (
              <View key={member.memberId} className='staff-member'>
                <View>{maskPhone(member.phone)}</View>
                <View className='staff-member__tier'>{member.tier}</View>
              </View>
            ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
