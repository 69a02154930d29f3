import fc from 'fast-check'
import type { CampaignStatus } from '../../../shared/campaigns/documents'
import {
  CAMPAIGN_STATES,
  CAMPAIGN_STATUS_LABELS,
  canTransition as canCampaign,
  eventOf,
  nextCampaignActions,
  statusesAllowing,
} from '../../../shared/campaigns/lifecycle'
import {
  canTransition as canJob,
  JOB_STATES,
  JOB_STATUS_LABELS,
  jobStatusLabel,
  nextJobActions,
} from '../../../shared/hq/lifecycle'
import {
  canTransition as canPayment,
  isRefundOpen,
  PAYMENT_STATES,
  PAYMENT_STATUS_LABELS,
  PAYMENT_TRANSITIONS,
  REFUND_STATES,
  REFUND_STATUS_LABELS,
} from '../../../shared/payments/lifecycle'
import { nextStates, type Actor } from '../../../shared/platform/lifecycle'

const ACTORS: Actor[] = ['member', 'clerk', 'hq-admin', 'analyst']

describe('the campaign lifecycle', () => {
  it('stops, resumes where it stopped, and sends now only while scheduled', () => {
    expect(statusesAllowing('stop')).toEqual(['scheduled', 'sending'])
    expect(eventOf('resume', { status: 'stopped', startedAt: null })).toBe('resume')
    expect(eventOf('resume', { status: 'stopped', startedAt: new Date() })).toBe('continue')
    expect(nextCampaignActions({ status: 'scheduled', startedAt: null }, 'hq-admin')).toEqual([
      'sendNow',
      'stop',
    ])
    expect(nextCampaignActions({ status: 'sending', startedAt: new Date() }, 'hq-admin')).toEqual([
      'stop',
    ])
    expect(nextCampaignActions({ status: 'stopped', startedAt: null }, 'hq-admin')).toEqual([
      'resume',
    ])
    expect(nextCampaignActions({ status: 'done', startedAt: new Date() }, 'hq-admin')).toEqual([])
  })

  it('never offers what the table refuses; an analyst and a store manager get nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CampaignStatus>(...CAMPAIGN_STATES),
        fc.option(fc.date(), { nil: null }),
        fc.constantFrom(...ACTORS),
        (status, startedAt, actor) => {
          const c = { status, startedAt }
          for (const a of nextCampaignActions(c, actor))
            expect(canCampaign(c, eventOf(a, c))).toBe(true)
          if (actor !== 'hq-admin') expect(nextCampaignActions(c, actor)).toEqual([])
        },
      ),
    )
    for (const s of CAMPAIGN_STATES) expect(CAMPAIGN_STATUS_LABELS[s]).toMatch(/\S/)
  })
})

describe('the job lifecycle', () => {
  it('steps only running jobs, and only for HQ admins; anyone at HQ downloads a file', () => {
    const running = { status: 'running' as const, kind: 'importStores' as const, errorCount: 0 }
    expect(nextJobActions({ ...running, hasOutput: false }, 'hq-admin')).toEqual(['step'])
    expect(nextJobActions({ ...running, hasOutput: false }, 'analyst')).toEqual([])
    const done = { ...running, status: 'succeeded' as const, hasOutput: true }
    expect(nextJobActions(done, 'hq-admin')).toEqual(['download'])
    expect(nextJobActions(done, 'analyst')).toEqual(['download'])
    expect(nextJobActions(done, 'member')).toEqual([])
    expect(canJob(done, 'step')).toBe(false)
    for (const s of JOB_STATES) expect(JOB_STATUS_LABELS[s]).toMatch(/\S/)
    expect(
      jobStatusLabel({ status: 'failed', kind: 'importClerks', errorCount: 3, hasOutput: false }),
    ).toBe('3 处错误，未导入')
    // A refused member-number file issued no coupon: it says so in its own words.
    expect(
      jobStatusLabel({
        status: 'failed',
        kind: 'issueCouponsCsv',
        errorCount: 2,
        hasOutput: false,
      }),
    ).toBe('2 处错误，未发放')
    expect(
      jobStatusLabel({
        status: 'failed',
        kind: 'transferMembers',
        errorCount: 1,
        hasOutput: false,
      }),
    ).toBe('失败')
  })
})

describe('the payment and refund lifecycles', () => {
  it('pays once, refunds only what was paid, and closes only what is pending', () => {
    expect(canPayment({ status: 'pending' }, 'prepay')).toBe(true)
    expect(canPayment({ status: 'paid' }, 'prepay')).toBe(false)
    expect(canPayment({ status: 'paid' }, 'requestRefund')).toBe(true)
    expect(canPayment({ status: 'refunded' }, 'requestRefund')).toBe(false)
    expect(canPayment({ status: 'closed' }, 'pay')).toBe(false)
    expect(nextStates(PAYMENT_TRANSITIONS, 'pending').sort()).toEqual(['closed', 'paid', 'pending'])
    for (const s of PAYMENT_STATES) expect(PAYMENT_STATUS_LABELS[s]).toMatch(/\S/)
    for (const s of REFUND_STATES) expect(REFUND_STATUS_LABELS[s]).toMatch(/\S/)
    expect(REFUND_STATES.filter((status) => isRefundOpen({ status }))).toEqual([
      'processing',
      'abnormal',
    ])
  })
})
