import { api, type ApiResult } from '../api'
import type { Contracts, OutputOf } from '../api/contracts'
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

export function useStaffStatus() {
  return useQuery(loadStaffStatus)
}
