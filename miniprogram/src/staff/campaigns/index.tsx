import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, InputOf, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { FormField } from '../../components/form-field'
import { NoticeBar } from '../../components/notice-bar'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQueryAfter } from '../../hooks/use-query'
import { useStaffStatus, type StaffProfile, type StaffStatus } from '../../hooks/use-staff-status'
import { formatDateTime, TIER_LABELS, type Tier } from '../../lib/format'
import { ROUTES } from '../../lib/routes'
import '../staff-form.scss'
import './index.scss'

type Segment = InputOf<Contracts, 'staff', 'storeCampaignAudienceCount'>['segment']
type StoreCampaigns = OutputOf<Contracts, 'staff', 'storeCampaigns'>
type Results = OutputOf<Contracts, 'staff', 'storeCampaignResults'>
type Audience = OutputOf<Contracts, 'staff', 'storeCampaignAudienceCount'>
type Desk = { manager: false } | { manager: true; profile: StaffProfile; list: StoreCampaigns }

/** What the shopper's notification opens: the campaign centre. */
const CAMPAIGN_PAGE = ROUTES.campaigns.slice(1)

async function loadDesk(status: StaffStatus): Promise<ApiResult<Desk>> {
  if (!status.staff || !status.profile.isManager) return { ok: true, data: { manager: false } }
  const list = await api.call('staff', 'storeCampaigns', {})
  if (!list.ok) return list
  return { ok: true, data: { manager: true, profile: status.profile, list: list.data } }
}

interface Choice {
  tiers: Tier[]
  onlyMine: boolean
  purchasedWithinDays: number | null
  birthdayThisMonth: boolean
}

const TIERS: Tier[] = ['standard', 'silver', 'gold']
const RECENCY: Array<{ days: number | null; label: string }> = [
  { days: null, label: '不限' },
  { days: 30, label: '30 天内消费' },
  { days: 90, label: '90 天内消费' },
]

function segmentOf(choice: Choice, clerkId: string): Segment {
  // The server puts every store campaign within the manager's store (storeIds) itself.
  const month = new Date(Date.now() + 8 * 3600_000).getUTCMonth() + 1
  return {
    ...(choice.tiers.length > 0 && choice.tiers.length < 3 ? { tiers: choice.tiers } : {}),
    ...(choice.onlyMine ? { clerkIds: [clerkId] } : {}),
    ...(choice.purchasedWithinDays ? { purchasedWithinDays: choice.purchasedWithinDays } : {}),
    ...(choice.birthdayThisMonth ? { birthdayMonths: [month] } : {}),
  }
}

/** A row of one-tap choices (each a 44 px target that never wraps its label). */
function Chips<T>(props: {
  id: string
  options: Array<{ value: T; label: string }>
  isOn: (value: T) => boolean
  onTap: (value: T) => void
}) {
  return (
    <View className="campaign-chips" id={props.id}>
      {props.options.map((o, i) => (
        <View
          key={o.label}
          id={`${props.id}-${i}`}
          className={props.isOn(o.value) ? 'campaign-chip campaign-chip--on' : 'campaign-chip'}
          onClick={() => props.onTap(o.value)}
        >
          {o.label}
        </View>
      ))}
    </View>
  )
}

function ResultsView({ results }: { results: Results }) {
  const figures: Array<[string, number]> = [
    ['目标会员', results.targeted],
    ['可触达', results.eligible],
    ['已送达', results.sent],
    ['发送失败', results.failed],
    ['未订阅', results.noConsent],
    ['7 天内下单', results.orderedWithin7Days],
  ]
  return (
    <View className="campaign-results" id="campaign-results">
      {figures.map(([label, value]) => (
        <View key={label} className="campaign-results__item">
          <View className="campaign-results__figure">{value}</View>
          <View className="campaign-results__label">{label}</View>
        </View>
      ))}
    </View>
  )
}

/**
 * A store manager's campaigns: pick members of the store (tier, own members, recent buyers,
 * birthdays this month), see how many there are and how many can be reached (a subscribe consent
 * to spend), fill the notification's fields as WeChat's template types them, and send within
 * HQ's limits (per week, audience size). Sent ones show their results.
 */
export default function StoreCampaignsPage() {
  const desk = useQueryAfter(useStaffStatus(), ['staff', 'storeCampaigns'], loadDesk)
  usePullDownRefreshOf(desk.refresh)
  const [choice, setChoice] = useState<Choice>({
    tiers: [],
    onlyMine: false,
    purchasedWithinDays: null,
    birthdayThisMonth: false,
  })
  const [fields, setFields] = useState({ thing1: '', time2: '', thing3: '' })
  const [audience, setAudience] = useState<Audience | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [opened, setOpened] = useState<{ id: string; results?: Results } | undefined>(undefined)
  const profile = desk.status === 'ready' && desk.data.manager ? desk.data.profile : undefined
  const segment = profile ? segmentOf(choice, profile.clerkId) : undefined
  const segmentKey = JSON.stringify(segment ?? null)

  useEffect(() => {
    if (!segment) return undefined
    let current = true
    setAudience(undefined)
    void api.call('staff', 'storeCampaignAudienceCount', { segment }).then((reply) => {
      if (current && reply.ok) setAudience(reply.data)
    })
    return () => {
      current = false
    }
  }, [segmentKey])

  const open = async (campaignId: string) => {
    if (opened?.id === campaignId) {
      setOpened(undefined)
      return
    }
    setOpened({ id: campaignId })
    const reply = await api.call('staff', 'storeCampaignResults', { campaignId })
    if (reply.ok) setOpened({ id: campaignId, results: reply.data })
    else notifyFailure(reply.error)
  }

  const send = async (list: StoreCampaigns) => {
    if (!segment || !audience) return
    const answer = await Taro.showModal({
      title: '发送门店活动',
      content: `将向 ${audience.count} 位会员发送「${fields.thing1.trim()}」（其中 ${audience.reachable ?? 0} 位已订阅可收到）。本周还可发 ${list.maxStoreCampaignsPerWeek - list.usedThisWeek} 个。`,
      confirmText: '发送',
    })
    if (!answer.confirm) return
    setBusy(true)
    const values = Object.fromEntries(
      Object.entries(fields)
        .map(([k, v]) => [k, v.trim()] as const)
        .filter(([, v]) => v !== ''),
    )
    const reply = await api.call('staff', 'createStoreCampaign', {
      name: fields.thing1.trim(),
      segment,
      templateKey: 'campaign',
      page: CAMPAIGN_PAGE,
      fields: values,
    })
    setBusy(false)
    if (!reply.ok) {
      notifyFailure(reply.error)
      return
    }
    void Taro.showToast({ title: '活动已创建', icon: 'success' })
    setFields({ thing1: '', time2: '', thing3: '' })
    await desk.refresh()
  }

  const nameTooLong = fields.thing1.trim().length > 20
  const tipTooLong = fields.thing3.trim().length > 20

  return (
    <PageShell>
      <QueryView query={desk} skeleton={<Skeleton variant="card" />}>
        {(state) =>
          !state.manager ? (
            <EmptyState
              glyph="store"
              title="仅店长可以发起门店活动"
              description="如需给本店会员发活动通知，请联系店长"
            />
          ) : (
            <>
              <View className="campaign-limits" id="campaign-limits">
                本周已发起 {state.list.usedThisWeek} / {state.list.maxStoreCampaignsPerWeek} 个 ·
                每次最多 {state.list.maxStoreAudience} 位会员
              </View>
              <Section title="发给哪些会员" id="campaign-segment">
                <View className="campaign-label">会员等级（不选为全部）</View>
                <Chips
                  id="segment-tier"
                  options={TIERS.map((t) => ({ value: t, label: TIER_LABELS[t] }))}
                  isOn={(t) => choice.tiers.includes(t)}
                  onTap={(t) =>
                    setChoice((c) => ({
                      ...c,
                      tiers: c.tiers.includes(t) ? c.tiers.filter((x) => x !== t) : [...c.tiers, t],
                    }))
                  }
                />
                <View className="campaign-label">最近消费</View>
                <Chips
                  id="segment-recency"
                  options={RECENCY.map((r) => ({ value: r.days, label: r.label }))}
                  isOn={(d) => choice.purchasedWithinDays === d}
                  onTap={(d) => setChoice((c) => ({ ...c, purchasedWithinDays: d }))}
                />
                <View className="campaign-label">范围</View>
                <Chips
                  id="segment-scope"
                  options={[
                    { value: 'mine', label: '只发我的会员' },
                    { value: 'birthday', label: '本月生日' },
                  ]}
                  isOn={(v) => (v === 'mine' ? choice.onlyMine : choice.birthdayThisMonth)}
                  onTap={(v) =>
                    setChoice((c) =>
                      v === 'mine'
                        ? { ...c, onlyMine: !c.onlyMine }
                        : { ...c, birthdayThisMonth: !c.birthdayThisMonth },
                    )
                  }
                />
                <View className="campaign-audience" id="campaign-audience">
                  {audience === undefined
                    ? '正在统计会员…'
                    : `${state.profile.storeName}符合条件 ${audience.count} 位，已订阅可触达 ${
                        audience.reachable ?? '—'
                      } 位`}
                </View>
                {audience && audience.count > audience.limit && (
                  <NoticeBar>{`超过总部设定的每次 ${audience.limit} 位上限，请缩小范围`}</NoticeBar>
                )}
              </Section>
              <Section title="通知内容（微信活动通知模板）" id="campaign-fields">
                <FormField
                  id="field-thing1"
                  label="活动名称（必填，20 字以内）"
                  placeholder="如：周末会员日满 300 减 50"
                  maxlength={20}
                  value={fields.thing1}
                  onChange={(v) => setFields((f) => ({ ...f, thing1: v }))}
                  error={nameTooLong ? '活动名称最多 20 个字' : undefined}
                />
                <FormField
                  id="field-time2"
                  label="活动时间（选填）"
                  placeholder="如：2026年12月20日 10:00~12月21日 22:00"
                  maxlength={40}
                  value={fields.time2}
                  onChange={(v) => setFields((f) => ({ ...f, time2: v }))}
                />
                <FormField
                  id="field-thing3"
                  label="温馨提示（选填，20 字以内）"
                  placeholder="如：到店出示会员码即可参加"
                  maxlength={20}
                  value={fields.thing3}
                  onChange={(v) => setFields((f) => ({ ...f, thing3: v }))}
                  error={tipTooLong ? '温馨提示最多 20 个字' : undefined}
                />
              </Section>
              <View className="staff-form-actions">
                <ActionButton
                  block
                  id="campaign-send"
                  busy={busy}
                  disabled={
                    fields.thing1.trim() === '' ||
                    nameTooLong ||
                    tipTooLong ||
                    !audience ||
                    audience.count === 0 ||
                    audience.count > audience.limit ||
                    state.list.usedThisWeek >= state.list.maxStoreCampaignsPerWeek
                  }
                  onTap={() => void send(state.list)}
                >
                  {state.list.usedThisWeek >= state.list.maxStoreCampaignsPerWeek
                    ? '本周次数已用完'
                    : '发送活动通知'}
                </ActionButton>
              </View>
              <Section title="本店活动" id="campaign-list">
                {state.list.items.length === 0 ? (
                  <View className="campaign-empty">还没有发起过门店活动</View>
                ) : (
                  state.list.items.map((c) => (
                    <View key={c.campaignId} className="campaign-item">
                      <View
                        className="campaign-item__head"
                        id={`campaign-${c.campaignId}`}
                        onClick={() => void open(c.campaignId)}
                      >
                        <View className="campaign-item__name">{c.name}</View>
                        <View className="campaign-item__status">{c.statusLabel}</View>
                      </View>
                      <View className="campaign-item__meta">
                        {formatDateTime(c.sendAt)} · 点按查看效果
                      </View>
                      {opened?.id === c.campaignId &&
                        (opened.results ? (
                          <ResultsView results={opened.results} />
                        ) : (
                          <View className="campaign-item__meta">正在读取效果…</View>
                        ))}
                    </View>
                  ))
                )}
              </Section>
            </>
          )
        }
      </QueryView>
    </PageShell>
  )
}
