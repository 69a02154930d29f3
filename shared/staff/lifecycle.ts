/**
 * Staff invites, stores and clerks as HQ sees them (pure): each status's one label and what the
 * caller may do next, so the console renders from the server.
 *
 * Invite:  pending ─bind→ used · pending ─(time)→ expired · pending ─revoke→ revoked
 * Store:   active ─close→ closed ─reopen→ active
 * Clerk:   active ─disable→ disabled ─enable→ active; active ─move→ active (another store)
 *
 * Where each happens: staff/staff-service.ts (bind), hq/staff-admin-service.ts (revoke, enable,
 * disable, edit), flows/store-closing.ts (close, reopen), flows/move-clerk.ts (move).
 */
import type { Actor } from '../platform/lifecycle'
import type { ClerkDoc, StaffInviteDoc, StoreDoc } from './documents'

export type InviteStatus = 'pending' | 'used' | 'expired' | 'revoked'
export const INVITE_STATUSES: readonly InviteStatus[] = ['pending', 'used', 'expired', 'revoked']

export const INVITE_STATUS_LABELS: Record<InviteStatus, string> = {
  pending: '待使用',
  used: '已使用',
  expired: '已过期',
  revoked: '已撤销',
}

/** An invite's status at `now`: a revoke or a use is final; otherwise the clock decides. */
export function inviteStatus(
  invite: Pick<StaffInviteDoc, 'usedAt' | 'revokedAt' | 'expiresAt'>,
  now: Date,
): InviteStatus {
  if (invite.usedAt) return 'used'
  if (invite.revokedAt) return 'revoked'
  return invite.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending'
}

/** download: its code and poster again; revoke: withdraw it. Only a pending invite has either. */
export type InviteAction = 'download' | 'revoke'

export function nextInviteActions(status: InviteStatus, actor: Actor): InviteAction[] {
  if (status !== 'pending') return []
  if (actor === 'hq-admin') return ['download', 'revoke']
  return actor === 'analyst' ? ['download'] : []
}

export const STORE_STATUS_LABELS: Record<StoreDoc['status'], string> = {
  active: '营业中',
  closed: '已停业',
}

export type StoreAction = 'edit' | 'close' | 'reopen'

export function nextStoreActions(status: StoreDoc['status'], actor: Actor): StoreAction[] {
  if (actor !== 'hq-admin') return []
  return status === 'active' ? ['edit', 'close'] : ['edit', 'reopen']
}

export const CLERK_STATUS_LABELS: Record<ClerkDoc['status'], string> = {
  active: '在岗',
  disabled: '已停用',
}

export type ClerkAction = 'disable' | 'enable' | 'move'

export function nextClerkActions(status: ClerkDoc['status'], actor: Actor): ClerkAction[] {
  if (actor !== 'hq-admin') return []
  return status === 'active' ? ['disable', 'move'] : ['enable']
}
