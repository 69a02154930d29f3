import { Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api, type ApiResult } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { EmptyState } from '../../components/empty-state'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useQueryAfter } from '../../hooks/use-query'
import { useStaffStatus, type StaffStatus } from '../../hooks/use-staff-status'
import { formatDate, formatPoints, TIER_LABELS } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'

type MemberPage = OutputOf<Contracts, 'staff', 'myMembers'>
type MemberItem = MemberPage['items'][number]
type Scope = 'mine' | 'store'

const PAGE_SIZE = 20
// What the function accepts as a search: the last four digits of a phone, a full phone, or a
// nine-digit member number (shared/contract/staff.ts).
const SEARCH = /^\d{4,11}$/

interface ListState {
  isManager: boolean
  page: MemberPage
}

function loadList(scope: Scope, search: string | undefined) {
  return async (status: StaffStatus): Promise<ApiResult<ListState>> => {
    const page = await api.call('staff', 'myMembers', {
      scope,
      limit: PAGE_SIZE,
      ...(search ? { search } : {}),
    })
    if (!page.ok) return page
    return {
      ok: true,
      data: { isManager: status.staff && status.profile.isManager, page: page.data },
    }
  }
}

/** A clerk's members (a manager can switch to the whole store), newest first, searchable by phone. */
export default function StaffMembersPage() {
  const [scope, setScope] = useState<Scope>('mine')
  const [draft, setDraft] = useState('')
  const [search, setSearch] = useState<string | undefined>(undefined)
  const list = useQueryAfter(
    useStaffStatus(),
    ['staff', 'myMembers', scope, search ?? null],
    loadList(scope, search),
  )
  usePullDownRefreshOf(list.refresh)

  // Pages after the first, appended by "load more"; reset whenever the first page is reloaded.
  const [more, setMore] = useState<{ items: MemberItem[]; nextOffset: number | null } | undefined>(
    undefined,
  )
  const [loadingMore, setLoadingMore] = useState(false)
  const firstPage = list.status === 'ready' ? list.data.page : undefined
  useEffect(() => setMore(undefined), [firstPage])

  const nextOffset = more ? more.nextOffset : (firstPage?.nextOffset ?? null)
  const loadMore = async () => {
    if (nextOffset === null) return
    setLoadingMore(true)
    const reply = await api.call('staff', 'myMembers', {
      scope,
      limit: PAGE_SIZE,
      offset: nextOffset,
      ...(search ? { search } : {}),
    })
    setLoadingMore(false)
    if (!reply.ok) {
      notifyFailure(reply.error, () => void loadMore())
      return
    }
    setMore((m) => ({
      items: [...(m?.items ?? []), ...reply.data.items],
      nextOffset: reply.data.nextOffset,
    }))
  }

  const draftValid = draft.trim() === '' || SEARCH.test(draft.trim())
  const submitSearch = () => {
    if (draftValid) setSearch(draft.trim() === '' ? undefined : draft.trim())
  }

  return (
    <PageShell>
      <View className="member-search">
        <Input
          id="member-search"
          className="member-search__input"
          type="number"
          maxlength={11}
          placeholder="手机号后四位、完整手机号或会员号"
          value={draft}
          confirmType="search"
          onInput={(e) => setDraft(e.detail.value)}
          onConfirm={submitSearch}
        />
        <View className="member-search__button" onClick={submitSearch}>
          搜索
        </View>
      </View>
      {!draftValid && <View className="member-search__error">请输入 4 到 11 位数字</View>}
      {list.status === 'ready' && list.data.isManager && (
        <View className="scope-switch">
          {(
            [
              ['mine', '我的会员'],
              ['store', '全店会员'],
            ] as const
          ).map(([value, label]) => (
            <View
              key={value}
              className={
                value === scope
                  ? 'scope-switch__option scope-switch__option--on'
                  : 'scope-switch__option'
              }
              onClick={() => setScope(value)}
            >
              {label}
            </View>
          ))}
        </View>
      )}
      <QueryView
        query={list}
        skeleton={<Skeleton variant="list" rows={5} />}
        isEmpty={(state) => state.page.items.length === 0}
        empty={
          search ? (
            <EmptyState glyph="search" title="没有找到会员" description="换个手机号或会员号试试" />
          ) : (
            <EmptyState
              glyph="users"
              title="还没有会员"
              description="顾客扫描你的导购码开卡后，会出现在这里"
            />
          )
        }
      >
        {(state) => (
          <View className="staff-member-list" id="staff-member-list">
            {[...state.page.items, ...(more?.items ?? [])].map((member) => (
              <View
                key={member.memberId}
                className="staff-member"
                onClick={() =>
                  void Taro.navigateTo({
                    url: withQuery(ROUTES.staffMemberDetail, { memberId: member.memberId }),
                  })
                }
              >
                <View className="staff-member__main">
                  <View className="staff-member__name">
                    {member.phoneMasked ?? `会员 ${member.memberNo}`}
                  </View>
                  <View className="staff-member__meta">
                    {TIER_LABELS[member.tier]} · {formatDate(member.joinedAt)} 开卡
                    {scope === 'store' ? ` · ${member.clerkName}` : ''}
                  </View>
                </View>
                <View className="staff-member__points">{formatPoints(member.points)} 分</View>
              </View>
            ))}
            {nextOffset !== null && (
              <View className="staff-member-list__more">
                <ActionButton
                  kind="secondary"
                  size="small"
                  busy={loadingMore}
                  onTap={() => void loadMore()}
                >
                  加载更多
                </ActionButton>
              </View>
            )}
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
