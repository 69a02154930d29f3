import { useQueryClient } from '@tanstack/react-query'
import { View } from '@tarojs/components'
import Taro, { useDidShow, useLoad } from '@tarojs/taro'
import { useRef } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { MemberCard } from '../../components/member-card'
import { Icon, type IconName } from '../../components/icon'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { TileGrid } from '../../components/tile-grid'
import { useMemberStatus, type MemberStatus } from '../../hooks/use-member-status'
import { useQueryAfter } from '../../hooks/use-query'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { greeting } from '../../lib/format'
import { landingForScene, sceneFromQuery } from '../../lib/launch-scene'
import { ROUTES } from '../../lib/routes'
import { sceneFromScannedPath } from '../../lib/scan'
import './index.scss'

const BENEFITS: Array<{ key: string; glyph: IconName; title: string; text: string }> = [
  {
    key: 'earn',
    glyph: 'star',
    title: '消费得积分',
    text: '线上线下消费都累积积分，等级越高积分越多',
  },
  { key: 'redeem', glyph: 'gift', title: '积分兑好礼', text: '积分换礼品，到店自提或邮寄到家' },
  { key: 'pickup', glyph: 'box', title: '线上买，到店取', text: '在线下单，选择附近门店自提' },
]

// Store and clerk codes are mini-program codes ('wxCode'), which WeChat accepts but Taro's
// ScanType typing does not list.
const MINI_PROGRAM_CODES = ['qrCode', 'wxCode'] as unknown as Array<keyof Taro.scanCode.ScanType>

/** H5: a scene in the address's query string, outside the hash route (`/?scene=…#/…`). */
function h5SearchScene(): string | undefined {
  if (process.env.TARO_ENV !== 'h5') return undefined
  const scene = new URLSearchParams(window.location.search).get('scene')
  if (scene === null) return undefined
  // Consume it: coming back to home later must not open binding again.
  window.history.replaceState(null, '', window.location.pathname + window.location.hash)
  return sceneFromQuery({ scene: encodeURIComponent(scene) })
}

async function scanToBind(): Promise<void> {
  try {
    const result = await Taro.scanCode({ onlyFromCamera: true, scanType: MINI_PROGRAM_CODES })
    const scene = sceneFromScannedPath(result.path)
    if (scene === undefined) {
      void Taro.showToast({ title: '这不是门店或导购的会员码', icon: 'none' })
      return
    }
    void Taro.navigateTo({ url: `${ROUTES.bind}?scene=${encodeURIComponent(scene)}` })
  } catch {
    // Cancelled by the person; nothing to say.
  }
}

type Summary = OutputOf<Contracts, 'points', 'summary'>
const CARD_KEY = ['points', 'summary', 'card']

/**
 * The card's points and tier come from `points.summary` (the ledger's own view), laid over the
 * cached member status; a summary that fails to load leaves the profile's figures rather than
 * failing the card.
 */
async function loadCard(status: MemberStatus): Promise<ApiResult<MemberStatus>> {
  if (!status.bound) return { ok: true, data: status }
  const summary = await api.call('points', 'summary')
  if (!summary.ok) return { ok: true, data: status }
  const s: Summary = summary.data
  return {
    ok: true,
    data: { bound: true, member: { ...status.member, points: s.points, tier: s.tier } },
  }
}

export default function HomePage() {
  const member = useMemberStatus()
  const card = useQueryAfter(member, CARD_KEY, loadCard)
  usePullDownRefreshOf(card.refresh)
  // Back on the tab after a purchase or a till sale: the card shows the new balance (the member
  // status itself stays cached; answers that change it invalidate it).
  const client = useQueryClient()
  const seen = useRef(false)
  useDidShow(() => {
    if (seen.current) void client.invalidateQueries({ queryKey: CARD_KEY })
    seen.current = true
  })

  // A code's scene lands here when the code did not name a page (WeChat opens the first page;
  // on H5, `/?scene=…`).
  useLoad((params: Record<string, string | undefined>) => {
    const landing = landingForScene(ROUTES.home, sceneFromQuery(params) ?? h5SearchScene())
    if (landing !== undefined) void Taro.navigateTo({ url: landing })
  })

  const go = (url: string) => () => void Taro.navigateTo({ url })
  const tab = (url: string) => () => void Taro.switchTab({ url })

  return (
    <PageShell className="home-page">
      <View className="home-header">
        <View className="home-header__greeting">{greeting(new Date())}</View>
        <View className="home-header__title">欢迎来到会员中心</View>
      </View>
      <View className="home-card-slot">
        <QueryView query={card} skeleton={<Skeleton variant="card" />}>
          {(member) => (
            <MemberCard
              status={member}
              onScan={process.env.TARO_ENV === 'weapp' ? scanToBind : undefined}
              onShowCode={go(ROUTES.memberCode)}
            />
          )}
        </QueryView>
      </View>
      <TileGrid
        tiles={[
          { key: 'member-code', glyph: 'qr', title: '会员码', onTap: go(ROUTES.memberCode) },
          { key: 'points', glyph: 'star', title: '我的积分', onTap: tab(ROUTES.points) },
          { key: 'gifts', glyph: 'gift', title: '积分兑礼', onTap: tab(ROUTES.gifts) },
          { key: 'shop', glyph: 'bag', title: '线上商城', onTap: tab(ROUTES.shop) },
          { key: 'campaigns', glyph: 'ticket', title: '会员活动', onTap: go(ROUTES.campaigns) },
        ]}
      />
      <Section title="会员权益">
        {BENEFITS.map((benefit) => (
          <View key={benefit.key} className="benefit">
            <View className="benefit__glyph">
              <Icon name={benefit.glyph} className="benefit__icon" />
            </View>
            <View className="benefit__body">
              <View className="benefit__title">{benefit.title}</View>
              <View className="benefit__text">{benefit.text}</View>
            </View>
          </View>
        ))}
      </Section>
    </PageShell>
  )
}
