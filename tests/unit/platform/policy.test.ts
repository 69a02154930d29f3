/** Access is declared per action and checked in one place; what the invocation proves comes first. */
import {
  checkSource,
  policyOf,
  remembered,
  type Access,
} from '../../../shared/platform/runtime/policy'
import type { InvocationContext } from '../../../shared/platform/runtime/context'
import { systemClock } from '../../../shared/platform/ports/clock'

const ctxOf = (caller: Partial<InvocationContext['caller']>): InvocationContext => ({
  fn: 'f',
  action: 'a',
  requestId: 'r',
  clock: systemClock,
  caller: {
    source: 'wechat',
    openid: null,
    unionid: null,
    appid: null,
    bearerToken: null,
    role: 'anonymous',
    ...caller,
  },
})

const shopper = ctxOf({ source: 'wechat', openid: 'o-1' })
const console_ = ctxOf({ source: 'http', bearerToken: 't' })
const timer = ctxOf({ source: 'timer' })
const stranger = ctxOf({ source: 'http' })

describe('checkSource', () => {
  it.each<[Access, InvocationContext, string | null]>([
    ['public', stranger, null],
    ['wechat', shopper, null],
    ['member', shopper, null],
    ['manager', shopper, null],
    ['wechat', stranger, 'UNAUTHENTICATED'],
    ['member', console_, 'UNAUTHENTICATED'],
    ['clerk', timer, 'UNAUTHENTICATED'],
    ['hq:read', console_, null],
    ['hq:write', console_, null],
    ['hq:session', console_, null],
    ['hq:admin', console_, null],
    ['hq:session', shopper, 'UNAUTHENTICATED'],
    ['hq:admin', stranger, 'UNAUTHENTICATED'],
    ['hq:read', shopper, 'UNAUTHENTICATED'],
    ['hq:write', stranger, 'UNAUTHENTICATED'],
    ['timer', timer, null],
    ['timer', shopper, 'FORBIDDEN'],
    ['timer', console_, 'FORBIDDEN'],
  ])('%s from %o → %s', (access, ctx, code) => {
    if (code === null) expect(() => checkSource(ctx, access)).not.toThrow()
    else expect(() => checkSource(ctx, access)).toThrow(expect.objectContaining({ code }))
  })

  it('reads a bare access as a policy', () => {
    expect(policyOf('member')).toEqual({ access: 'member' })
    expect(policyOf({ access: 'hq:read', auditRead: true })).toEqual({
      access: 'hq:read',
      auditRead: true,
    })
  })
})

describe('remembered', () => {
  it('resolves once per invocation, and forgets a refusal', async () => {
    const ctx = ctxOf({})
    let reads = 0
    const resolve = async () => {
      reads += 1
      return { memberId: 'm' }
    }
    await Promise.all([remembered(ctx, 'member', resolve), remembered(ctx, 'member', resolve)])
    expect(reads).toBe(1)
    const refused = remembered(ctx, 'clerk', async () => {
      throw new Error('not a clerk')
    })
    await expect(refused).rejects.toThrow('not a clerk')
    await expect(remembered(ctx, 'clerk', async () => 'now a clerk')).resolves.toBe('now a clerk')
  })
})
