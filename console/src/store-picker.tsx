/**
 * The one store picker of the console: searchable by name or code (a chain has hundreds of
 * stores; the list is virtual, so 208 scroll as smoothly as 2). Every picker on every page reads
 * the one cached `listStores`; a write to stores marks it stale (invalidation.ts) and they follow.
 */
import { Select, type SelectProps } from 'antd'
import type { AdminResult } from './api'
import { useAdminQuery } from './use-admin'

export type StoreItem = AdminResult<'listStores'>['items'][number]

export function useStores(): { stores: StoreItem[]; loading: boolean } {
  const { data, loading } = useAdminQuery('listStores', {})
  return { stores: data?.items ?? [], loading }
}

/** Name or code, any case: 「静安」 finds 静安寺店, 「sh00」 finds SH001 and SH002. */
export function storeMatches(store: Pick<StoreItem, 'name' | 'code'>, text: string): boolean {
  const q = text.trim().toLowerCase()
  return !q || store.name.toLowerCase().includes(q) || store.code.toLowerCase().includes(q)
}

type PickerProps = Omit<SelectProps, 'options' | 'filterOption' | 'showSearch'> & {
  /** Only stores open for business (where a clerk can be invited or moved to). */
  activeOnly?: boolean
  /** Leave out these stores (the clerk's own store when moving them). */
  exclude?: string[]
}

export function StorePicker({ activeOnly, exclude, placeholder, ...props }: PickerProps) {
  const { stores, loading } = useStores()
  const options = stores
    .filter((s) => (!activeOnly || s.status === 'active') && !exclude?.includes(s.storeId))
    .map((s) => ({
      value: s.storeId,
      label: s.status === 'active' ? `${s.name}（${s.code}）` : `${s.name}（${s.code}，已停业）`,
      store: s,
    }))
  return (
    <Select
      showSearch
      loading={loading}
      placeholder={placeholder ?? '搜索门店名称或编码'}
      popupMatchSelectWidth={false}
      notFoundContent={loading ? '加载中…' : '没有匹配的门店'}
      filterOption={(input, option) => storeMatches((option as { store: StoreItem }).store, input)}
      options={options}
      {...props}
    />
  )
}
