import { api, type ApiResult } from '../api'
import type { Contracts, OutputOf } from '../api/contracts'
import { STAFF_STATUS_KEY } from '../lib/queries'
import { useQuery } from './use-query'

export type StaffProfile = OutputOf<Contracts, 'staff', 'me'>

/** The caller as a clerk, or not one: `staff.me` answers FORBIDDEN for anyone but active staff. */
export type StaffStatus = { staff: false } | { staff: true; profile: StaffProfile }

export async function loadStaffStatus(): Promise<ApiResult<StaffStatus>> {
  const reply = await api.call('staff', 'me')
  if (reply.ok) return { ok: true, data: { staff: true, profile: reply.data } }
  if (reply.error.code === 'FORBIDDEN') return { ok: true, data: { staff: false } }
  return reply
}

/** The staff status from the app's cache: asked once while the desk's pages show it. */
export function useStaffStatus() {
  return useQuery(STAFF_STATUS_KEY, loadStaffStatus, { staleTime: Infinity })
}
