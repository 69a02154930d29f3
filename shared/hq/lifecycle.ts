/**
 * An HQ job's lifecycle (pure): imports, exports and member transfers run in batches.
 *
 *   running ─step→ running ─succeed→ succeeded
 *   running ─fail→ failed (a refused import or transfer: its errors say why)
 *
 * Where each happens: flows/hq-jobs.ts (create*Job, stepJob).
 */
import type { JobDoc } from './documents'
import { type Actor, nextState, type TransitionTable } from '../platform/lifecycle'

type JobStatus = JobDoc['status']

export type JobEvent = 'step' | 'succeed' | 'fail'

/** step: advance a batch (a write); download: the file the job produced (a read). */
export type JobAction = 'step' | 'download'

export const JOB_STATES: readonly JobStatus[] = ['running', 'succeeded', 'failed']

export const JOB_TRANSITIONS: TransitionTable<JobStatus, JobEvent> = {
  running: { step: 'running', succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
}

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  running: '进行中',
  succeeded: '已完成',
  failed: '失败',
}

export function canTransition(job: Pick<JobDoc, 'status'>, event: JobEvent): boolean {
  return nextState(JOB_TRANSITIONS, job.status, event) !== null
}

type JobFacts = Pick<JobDoc, 'status' | 'kind'> & { errorCount: number; hasOutput: boolean }

/** A failed import names how many rows were wrong (none of it was imported). */
export function jobStatusLabel(job: JobFacts): string {
  if (
    job.status === 'failed' &&
    job.errorCount > 0 &&
    (job.kind === 'importStores' || job.kind === 'importClerks' || job.kind === 'importStock')
  )
    return `${job.errorCount} 处错误，未导入`
  if (job.status === 'failed' && job.errorCount > 0 && job.kind === 'issueCouponsCsv')
    return `${job.errorCount} 处错误，未发放`
  // A stock row refused while importing (open orders held more than its count) is listed, the rest set.
  if (job.status === 'succeeded' && job.errorCount > 0) return `已完成，${job.errorCount} 行未更新`
  return JOB_STATUS_LABELS[job.status]
}

export function nextJobActions(job: JobFacts, actor: Actor): JobAction[] {
  if (actor !== 'hq-admin' && actor !== 'analyst') return []
  return [
    ...(actor === 'hq-admin' && canTransition(job, 'step') ? (['step'] as const) : []),
    ...(job.hasOutput ? (['download'] as const) : []),
  ]
}

/**
 * An HQ account's status (pure): active ⇄ disabled; an active account is also locked for a while
 * after too many wrong passwords (admin-service.ts `claimAttempt`), which an admin may lift.
 * Where each happens: hq/admin-accounts-service.ts. Nobody disables, resets or changes the role of
 * their own account here (their own password changes through `changeMyPassword`). `edit` changes
 * another account's role, stores and name.
 */
export type AccountStatus = 'active' | 'disabled'
export type AccountAction = 'edit' | 'disable' | 'enable' | 'resetPassword' | 'unlock'

export interface AccountFacts {
  status: AccountStatus
  locked: boolean
  self: boolean
}

export function accountStatusLabel(account: AccountFacts): string {
  if (account.status === 'disabled') return '已停用'
  return account.locked ? '已锁定' : '正常'
}

/** What the viewer may do to the account next (none for anyone but an admin, none to oneself). */
export function nextAccountActions(account: AccountFacts, viewerIsAdmin: boolean): AccountAction[] {
  if (!viewerIsAdmin || account.self) return []
  if (account.status === 'disabled') return ['edit', 'enable', 'resetPassword']
  return ['edit', ...(account.locked ? (['unlock'] as const) : []), 'resetPassword', 'disable']
}
