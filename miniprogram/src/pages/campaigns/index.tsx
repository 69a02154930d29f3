import { View } from '@tarojs/components'
import { ConsentCard } from '../../components/consent-card'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { formatDateTime } from '../../lib/format'
import './index.scss'

/**
 * The campaign centre: the offers HQ and the member's store sent them, newest first, and the way
 * to receive the next ones (subscribe consent, with the credits held per template).
 */
export default function CampaignsPage() {
  const list = useApiQuery('member', 'myCampaigns')
  usePullDownRefreshOf(list.refresh)

  return (
    <PageShell>
      <ConsentCard />
      <Section title="我的活动" id="campaign-list">
        <QueryView
          query={list}
          skeleton={<Skeleton variant="list" rows={3} />}
          isEmpty={(page) => page.items.length === 0}
          empty={
            <EmptyState
              compact
              glyph="ticket"
              title="暂时没有活动"
              description="订阅活动通知后，会员专属优惠会推送给你并出现在这里"
            />
          }
        >
          {(page) => (
            <View>
              {page.items.map((c) => (
                <View key={c.campaignId} className="campaign-row">
                  <View className="campaign-row__head">
                    <View className="campaign-row__title">{c.title}</View>
                    {c.storeName !== null && (
                      <View className="campaign-row__store">{c.storeName}</View>
                    )}
                  </View>
                  {c.lines.map((line, i) => (
                    <View key={i} className="campaign-row__line">
                      {line}
                    </View>
                  ))}
                  <View className="campaign-row__at">{formatDateTime(c.sentAt)}</View>
                </View>
              ))}
            </View>
          )}
        </QueryView>
      </Section>
    </PageShell>
  )
}
