import { api, type ApiResult } from '../api'
import { useQuery } from './use-query'

/**
 * Whether the person using the app holds a member card.
 *
 * The `member` function (bind, profile, memberCode) arrives with a later issue; until then nobody
 * can have bound a card, so once the backend has answered for this identity the answer is "not
 * yet a member". `ping` is that answer today: it proves the call reaches a function with the
 * caller's identity. When `member.profile` lands, this loader switches to it and `bound: true`
 * gains the profile; pages already handle both.
 */
export type MemberStatus = { bound: false }

export async function loadMemberStatus(): Promise<ApiResult<MemberStatus>> {
  const reply = await api.call('ping', 'ping')
  return reply.ok ? { ok: true, data: { bound: false } } : reply
}

export function useMemberStatus() {
  return useQuery(loadMemberStatus)
}
