import { api, type ApiResult } from '../api'
import type { OutputOf, Contracts } from '../api/contracts'
import { MEMBER_STATUS_KEY } from '../lib/queries'
import { useQuery } from './use-query'

export type MemberProfile = OutputOf<Contracts, 'member', 'profile'>

/** Whether the person using the app holds a member card, and the card when they do. */
export type MemberStatus = { bound: false } | { bound: true; member: MemberProfile }

/**
 * `member.profile` answers NOT_FOUND for someone who has not bound a card yet: for the app that
 * is a state to show ("not yet a member — scan a store code"), not an error.
 */
export async function loadMemberStatus(): Promise<ApiResult<MemberStatus>> {
  const reply = await api.call('member', 'profile')
  if (reply.ok) return { ok: true, data: { bound: true, member: reply.data } }
  if (reply.error.code === 'NOT_FOUND') return { ok: true, data: { bound: false } }
  return reply
}

/**
 * The member status from the app's cache: asked once while pages show it, and again only when
 * an answer changes it (lib/queries.ts memberChanged, pointsChanged) or the person pulls to
 * refresh.
 */
export function useMemberStatus() {
  return useQuery(MEMBER_STATUS_KEY, loadMemberStatus, { staleTime: Infinity })
}
