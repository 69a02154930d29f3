import { View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { EmptyState } from '../../components/empty-state'
import { BarcodeView } from '../../components/barcode-view'
import { MemberCodePanel } from '../../components/member-code-panel'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQuery } from '../../hooks/use-query'
import { ROUTES } from '../../lib/routes'
import './index.scss'

type MemberCode = OutputOf<Contracts, 'member', 'memberCode'>
type CodeState = { bound: false } | { bound: true; code: MemberCode }

async function loadCode(): Promise<ApiResult<CodeState>> {
  const reply = await api.call('member', 'memberCode')
  if (reply.ok) return { ok: true, data: { bound: true, code: reply.data } }
  if (reply.error.code === 'NOT_FOUND') return { ok: true, data: { bound: false } }
  return reply
}

// The server says when to ask for the next code; keep within sane bounds whatever it says.
function refreshDelay(ms: number): number {
  return Math.min(Math.max(ms, 5_000), 5 * 60_000)
}

/** Whole seconds until `iso`, ticking each second while shown; 0 once it has passed. */
function useSecondsUntil(iso: string | undefined, ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!iso || !ticking) return undefined
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [iso, ticking])
  return iso ? Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000)) : 0
}

/**
 * The code a clerk scans at the counter to record a sale to this member. It changes every minute,
 * so the page asks for a new one when the server says to, while the page is on screen.
 */
export default function MemberCodePage() {
  const code = useQuery(['member', 'memberCode'], loadCode)
  usePullDownRefreshOf(code.refresh)
  const [visible, setVisible] = useState(true)
  useDidShow(() => setVisible(true))
  useDidHide(() => setVisible(false))

  const shown = code.status === 'ready' && code.data.bound ? code.data.code : undefined
  // A failed refresh sets refreshError (new object each time), which re-arms the timer too, so a
  // dropped connection keeps being retried while the stale code stays on screen with a notice.
  const refreshError = code.status === 'ready' ? code.refreshError : undefined
  const { refresh } = code
  const secondsLeft = useSecondsUntil(shown?.expiresAt, visible)
  const refreshing = code.status === 'ready' && code.refreshing
  useEffect(() => {
    if (!visible || shown === undefined) return undefined
    const timer = setTimeout(() => void refresh(), refreshDelay(shown.refreshAfterMs))
    return () => clearTimeout(timer)
  }, [visible, shown, refreshError, refresh])

  return (
    <PageShell className="member-code-page">
      <QueryView query={code} skeleton={<Skeleton variant="card" />}>
        {(state) =>
          state.bound ? (
            <View className="member-code-card" id="member-code-card">
              <View className="member-code-card__title">结账时出示给店员扫描</View>
              <MemberCodePanel
                code={state.code.code}
                caption="每分钟自动刷新，请勿截图或转发给他人"
              />
              <BarcodeView digits={state.code.code} />
              <View className="member-code-card__number">会员号 {state.code.memberNo}</View>
              <View className="member-code-card__timer">
                <View id="member-code-countdown">
                  {refreshing || secondsLeft === 0 ? '正在更新…' : `${secondsLeft} 秒后更新`}
                </View>
                <View
                  id="member-code-refresh"
                  className="member-code-card__refresh"
                  hoverClass="member-code-card__refresh--pressed"
                  onClick={() => void refresh()}
                >
                  刷新
                </View>
              </View>
            </View>
          ) : (
            <EmptyState
              glyph="qr"
              title="开卡后显示会员码"
              description="结账时向店员出示会员码，消费即可累积积分"
              action={{ text: '去开卡', onTap: () => void Taro.switchTab({ url: ROUTES.home }) }}
            />
          )
        }
      </QueryView>
    </PageShell>
  )
}
