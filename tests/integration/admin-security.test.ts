/**
 * HQ sign-in under attack (issue #16, items 1 and 2): a burst of guesses checks at most
 * MAX_FAILED_SIGN_INS passwords, an unknown user name answers like a wrong password, and a
 * password change ends every session of the account.
 */
import {
  ensureAdminAccount,
  LOCK_MINUTES,
  MAX_FAILED_SIGN_INS,
} from '../../shared/hq/admin-service'
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack

beforeAll(async () => {
  stack = await startTestStack()
}, 120_000)
afterAll(() => stack.stop())

const login = (username: string, password: string) =>
  stack.call('admin', { action: 'login', username, password })

async function setClock(offsetMs: number) {
  const res = await fetch(`${stack.url}/dev/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ offsetMs }),
  })
  expect(res.status).toBe(200)
}

/** Sign-ins whose password was checked: the audit log writes `UNAUTHENTICATED` or `ok` for them. */
async function checkedSignIns(username: string): Promise<number> {
  const _ = stack.db.command
  const res = (await stack.db
    .collection('auditLog')
    .where({ action: 'login', username, outcome: _.in(['UNAUTHENTICATED', 'ok']) })
    .limit(1000)
    .get()) as { data: unknown[] }
  return res.data.length
}

describe('sign-in lockout under a burst', () => {
  afterEach(() => setClock(0))

  it(`60 concurrent sign-ins (59 wrong, the right one last) check at most ${MAX_FAILED_SIGN_INS} passwords`, async () => {
    await ensureAdminAccount('burst', 'right-password-1')
    const guesses = [...Array.from({ length: 59 }, (_, i) => `wrong-${i}`), 'right-password-1']
    const answers = await Promise.all(guesses.map((password) => login('burst', password)))

    const checked = await checkedSignIns('burst')
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS)
    expect(checked).toBeGreaterThan(0)
    // The right password came last: its check was never claimed.
    expect(answers[59]!.body.ok).toBe(false)
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(
      60 - MAX_FAILED_SIGN_INS,
    )
    for (const a of answers) expect(a.body.error.code).toMatch(/^(UNAUTHENTICATED|RATE_LIMITED)$/)

    // Locked: even the right password is refused, without a check, until the window passes.
    const locked = await login('burst', 'right-password-1')
    expect(locked.status).toBe(429)
    expect(locked.body.error.message).toMatch(/分钟后再试/)
    expect(await checkedSignIns('burst')).toBe(checked)

    await setClock((LOCK_MINUTES + 1) * 60_000)
    const after = await login('burst', 'right-password-1')
    expect(after.status).toBe(200)
    expect(typeof after.body.data.token).toBe('string')
  }, 120_000)

  it('after the lock passes, a new window again checks at most the limit', async () => {
    await ensureAdminAccount('burst2', 'right-password-2')
    await Promise.all(Array.from({ length: 20 }, (_, i) => login('burst2', `nope-${i}`)))
    expect(await checkedSignIns('burst2')).toBe(MAX_FAILED_SIGN_INS)
    await setClock((LOCK_MINUTES + 1) * 60_000)
    await Promise.all(Array.from({ length: 20 }, (_, i) => login('burst2', `again-${i}`)))
    expect(await checkedSignIns('burst2')).toBe(2 * MAX_FAILED_SIGN_INS)
    expect((await login('burst2', 'right-password-2')).status).toBe(429)
  }, 120_000)

  it('a right password resets the count: typos before it do not add up to a lock', async () => {
    await ensureAdminAccount('typo', 'right-password-3')
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++)
        expect((await login('typo', `typo-${i}`)).status).toBe(401)
      expect((await login('typo', 'right-password-3')).status).toBe(200)
    }
  })
})

describe('an unknown user name answers like a wrong password', () => {
  it('same status and message, and a hash is computed (comparable time)', async () => {
    await ensureAdminAccount('known', 'right-password-4')
    const unknown = await login('nobody-here', 'whatever-1')
    const wrong = await login('known', 'whatever-1')
    expect(unknown.status).toBe(401)
    expect(unknown.status).toBe(wrong.status)
    expect(unknown.body).toEqual(wrong.body)

    const time = async (username: string) => {
      const started = performance.now()
      await login(username, 'whatever-2')
      return performance.now() - started
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    await ensureAdminAccount('known', 'right-password-4') // unchanged: no reset; reset the count:
    await login('known', 'right-password-4')
    const known: number[] = []
    const missing: number[] = []
    for (let i = 0; i < 3; i++) {
      known.push(await time('known'))
      missing.push(await time(`missing-${i}`))
    }
    // Without a hash an unknown name answers in a few ms, a known one in tens (scrypt).
    expect(median(missing)).toBeGreaterThan(median(known) * 0.4)
  })
})

describe('sessions end when the password changes', () => {
  it('changeMyPassword needs the old password and ends every session of the account', async () => {
    await ensureAdminAccount('changer', 'old-password-1')
    const a = (await login('changer', 'old-password-1')).body.data.token as string
    const b = (await login('changer', 'old-password-1')).body.data.token as string
    const other = await stack.adminToken()

    const wrongOld = await stack.admin(
      { action: 'changeMyPassword', oldPassword: 'not-it', newPassword: 'new-password-1' },
      a,
    )
    expect(wrongOld.status).toBe(400)
    expect(wrongOld.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'oldPassword' })
    expect((await stack.admin({ action: 'me' }, a)).status).toBe(200)

    const changed = await stack.admin(
      { action: 'changeMyPassword', oldPassword: 'old-password-1', newPassword: 'new-password-1' },
      a,
    )
    expect(changed.status).toBe(200)
    expect(changed.body.data.sessionsEnded).toBe(2)

    for (const token of [a, b]) {
      const me = await stack.admin({ action: 'me' }, token)
      expect(me.status).toBe(401)
      const write = await stack.admin(
        { action: 'setAttributionPolicy', protectionDays: null },
        token,
      )
      expect(write.status).toBe(401)
    }
    // Another account's session is untouched.
    expect((await stack.admin({ action: 'me' }, other)).status).toBe(200)
    expect((await login('changer', 'old-password-1')).status).toBe(401)
    expect((await login('changer', 'new-password-1')).status).toBe(200)
  })

  it('a password set at start ends the sessions taken before; the same password keeps them', async () => {
    await ensureAdminAccount('started', 'first-password')
    const token = (await login('started', 'first-password')).body.data.token as string
    await ensureAdminAccount('started', 'first-password')
    expect((await stack.admin({ action: 'me' }, token)).status).toBe(200)
    await ensureAdminAccount('started', 'second-password')
    expect((await stack.admin({ action: 'me' }, token)).status).toBe(401)
    expect((await stack.admin({ action: 'listStores' }, token)).status).toBe(401)
  })
})
