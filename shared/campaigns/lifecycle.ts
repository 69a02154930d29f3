/**
 * A campaign's lifecycle (pure).
 *
 *   scheduled ─start→ sending ─finish→ done        (the dispatch timer)
 *   scheduled | sending ─stop→ stopped             (HQ)
 *   stopped ─resume→ scheduled (it never started) | ─continue→ sending (goes on from its cursor)
 *   scheduled ─sendNow→ scheduled (its sendAt becomes now)
 *
 * Where each happens: campaign-controls.ts (transition) and campaign-dispatch.ts (dispatchCampaigns).
 */
import type { CampaignDoc, CampaignStatus } from './documents'
import { type Actor, nextState, statesAllowing, type TransitionTable } from '../platform/lifecycle'

export type CampaignEvent = 'start' | 'finish' | 'stop' | 'resume' | 'continue' | 'sendNow'

/** What HQ may be offered (resume: `resume` or `continue`, whichever the campaign is due). */
export type CampaignAction = 'sendNow' | 'stop' | 'resume'

export const CAMPAIGN_STATES: readonly CampaignStatus[] = [
  'scheduled',
  'sending',
  'stopped',
  'done',
]

export const CAMPAIGN_ACTIONS: readonly CampaignAction[] = ['sendNow', 'stop', 'resume']

export const CAMPAIGN_TRANSITIONS: TransitionTable<CampaignStatus, CampaignEvent> = {
  scheduled: { start: 'sending', stop: 'stopped', sendNow: 'scheduled' },
  sending: { finish: 'done', stop: 'stopped' },
  stopped: { resume: 'scheduled', continue: 'sending' },
  done: {},
}

export const CAMPAIGN_ACTIONS_BY: Record<Actor, readonly CampaignAction[]> = {
  member: [],
  clerk: [],
  'hq-admin': ['sendNow', 'stop', 'resume'],
  analyst: [],
}

/** The one label per status. */
export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  scheduled: '待发送',
  sending: '发送中',
  stopped: '已停止',
  done: '已完成',
}

type CampaignFacts = Pick<CampaignDoc, 'status' | 'startedAt'>

/** Resuming goes back to where it stopped: sending when it had started, scheduled otherwise. */
export function resumeEvent(campaign: Pick<CampaignDoc, 'startedAt'>): 'resume' | 'continue' {
  return campaign.startedAt ? 'continue' : 'resume'
}

export function eventOf(action: CampaignAction, campaign: CampaignFacts): CampaignEvent {
  return action === 'resume' ? resumeEvent(campaign) : action
}

/** The statuses `event` may start from (the where-clause of its conditional update). */
export function statusesAllowing(event: CampaignEvent): CampaignStatus[] {
  return statesAllowing(CAMPAIGN_TRANSITIONS, event)
}

export function canTransition(campaign: CampaignFacts, event: CampaignEvent): boolean {
  return nextState(CAMPAIGN_TRANSITIONS, campaign.status, event) !== null
}

export function nextCampaignActions(campaign: CampaignFacts, actor: Actor): CampaignAction[] {
  return CAMPAIGN_ACTIONS_BY[actor].filter((a) => canTransition(campaign, eventOf(a, campaign)))
}
