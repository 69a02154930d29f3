import { compactLine } from '../../../scripts/local-cloud/request-log'

describe('the terminal request log', () => {
  const at = new Date('2026-12-03T06:03:07Z') // 14:03:07 in Shanghai

  it('turns a function’s JSON line into one short line: time, action, outcome, time taken, round trips', () => {
    const line = JSON.stringify({
      fn: 'member',
      action: 'bind',
      requestId: 'r1',
      role: 'member',
      outcome: 'ok',
      durationMs: 38,
      dbRoundTrips: 5,
      txRetries: 0,
    })
    expect(compactLine(line, at)).toBe(
      '  14:03:07  member.bind                   ok                 38 ms    5 db',
    )
  })

  it('keeps the first line of a failure’s error and leaves other output alone', () => {
    const failed = JSON.stringify({
      fn: 'shop',
      action: 'createOrder',
      outcome: 'INTERNAL',
      durationMs: 12,
      dbRoundTrips: 2,
      error: 'TypeError: x is undefined\n    at f (a.js:1:1)',
    })
    expect(compactLine(failed, at)).toMatch(
      /shop\.createOrder +INTERNAL .* {2}TypeError: x is undefined$/,
    )
    expect(compactLine('Local stack running on http://127.0.0.1:8787', at)).toBeNull()
    expect(compactLine('{"fn": broken', at)).toBeNull()
  })
})
