import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect } from 'react'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useApiQuery } from '../../hooks/use-query'
import { formatDate } from '../../lib/format'
import './index.scss'

type Kind = 'terms' | 'privacy'

/** 《会员服务协议》 or 《隐私政策》, as HQ last saved it in the console (`member.agreement`). */
export default function AgreementPage() {
  const { params } = useRouter()
  const kind: Kind = params.kind === 'privacy' ? 'privacy' : 'terms'
  const text = useApiQuery('member', 'agreement', { kind })
  const title = text.status === 'ready' ? text.data.title : undefined
  useEffect(() => {
    if (title) void Taro.setNavigationBarTitle({ title })
  }, [title])

  return (
    <PageShell>
      <QueryView query={text} skeleton={<Skeleton variant="list" rows={6} />}>
        {(a) => (
          <View className="agreement" id="agreement">
            <View className="agreement__title">{a.title}</View>
            {a.updatedAt && (
              <View className="agreement__date">更新日期：{formatDate(a.updatedAt)}</View>
            )}
            {a.body
              .split(/\n\s*\n/)
              .filter((p) => p.trim() !== '')
              .map((paragraph, i) => (
                <View key={i} className="agreement__paragraph">
                  {paragraph.trim()}
                </View>
              ))}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
