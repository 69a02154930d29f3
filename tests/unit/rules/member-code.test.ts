import {
  issueMemberCode,
  MEMBER_CODE_SEQUENCES,
  verifyMemberCode,
} from '../../../shared/membership/rules/member-code'

const SECRET = 'unit-test-secret'
const at = new Date('2026-03-01T04:05:10Z')

describe('member code', () => {
  it('is 20 digits, and each sequence of a minute is a different code that verifies', () => {
    const codes = Array.from({ length: MEMBER_CODE_SEQUENCES }, (_, s) =>
      issueMemberCode('100000123', at, SECRET, s),
    )
    expect(new Set(codes.map((c) => c.code)).size).toBe(MEMBER_CODE_SEQUENCES)
    for (const { code } of codes) {
      expect(code).toMatch(/^\d{20}$/)
      expect(verifyMemberCode(code, at, SECRET)).toMatchObject({ ok: true, memberNo: '100000123' })
    }
  })

  it('verifies in its minute and the next, never later; an edited sequence is forged', () => {
    const { code } = issueMemberCode('100000123', at, SECRET, 3)
    expect(verifyMemberCode(code, new Date(at.getTime() + 60_000), SECRET).ok).toBe(true)
    expect(verifyMemberCode(code, new Date(at.getTime() + 120_000), SECRET)).toEqual({
      ok: false,
      reason: 'expired',
    })
    const edited = `${code.slice(0, 11)}4${code.slice(12)}`
    expect(verifyMemberCode(edited, at, SECRET)).toEqual({ ok: false, reason: 'forged' })
  })
})
