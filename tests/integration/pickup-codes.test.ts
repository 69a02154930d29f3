/**
 * Pickup codes are claimed by inserting `{_id: code}` into pickupCodes (shared/platform/claims):
 * a drawn code that is already claimed is never handed out; another is drawn. The generator is
 * injected here so the collision is forced, not hoped for; the order and redemption flows use the
 * same function with the real generators (tests/integration/shop.test.ts, points.test.ts).
 */
import { claimPickupCode } from '../../shared/platform/claims/claims'
import { AppError } from '../../shared/platform/errors'
import { type Harness, readDoc, removeDir, startHarness } from '../conformance/helpers'

let h: Harness
beforeAll(async () => {
  h = await startHarness() // every declared collection, as the stack creates them
  // claimPickupCode uses the functions' own database(): point it at this gateway, as the local
  // function host does (scripts/local-cloud/function-host.ts).
  Object.assign(process.env, {
    TENCENTCLOUD: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: h.gw.serviceUrl }),
    TCB_ENV: 'local',
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
  })
})
afterAll(async () => {
  await h?.close()
  if (h) removeDir(h.dataDir)
})

const at = new Date('2026-03-01T00:00:00Z')
const drawing = (codes: string[]) => {
  const drawn: string[] = []
  const draw = () => {
    const code = codes[drawn.length]
    if (!code) throw new Error('no more codes')
    drawn.push(code)
    return code
  }
  return { draw, drawn }
}

test('a code already claimed is not handed out again: the next one is drawn', async () => {
  const first = await claimPickupCode(
    drawing(['11112222']).draw,
    { kind: 'order', ownerId: 'o1' },
    at,
  )
  expect(first).toBe('11112222')
  const second = drawing(['11112222', '11112222', '33334444'])
  const code = await claimPickupCode(second.draw, { kind: 'order', ownerId: 'o2' }, at)
  expect(code).toBe('33334444')
  expect(second.drawn).toEqual(['11112222', '11112222', '33334444'])
  // The first claim still names its owner; the new one names the second.
  expect(await readDoc(h.db, 'pickupCodes', '11112222')).toMatchObject({ ownerId: 'o1' })
  expect(await readDoc(h.db, 'pickupCodes', '33334444')).toMatchObject({
    kind: 'order',
    ownerId: 'o2',
  })
})

test('a redemption cannot take an order’s code either (one code space, one collection)', async () => {
  const { draw } = drawing(['11112222', '5555666677'])
  expect(await claimPickupCode(draw, { kind: 'redemption', ownerId: 'r1' }, at)).toBe('5555666677')
})

test('concurrent claims of the same drawn code: exactly one wins it', async () => {
  const codes = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      claimPickupCode(
        drawing(['77778888', `7777000${i}`]).draw,
        { kind: 'order', ownerId: `race${i}` },
        at,
      ),
    ),
  )
  expect(codes.filter((c) => c === '77778888')).toHaveLength(1)
  expect(new Set(codes).size).toBe(8)
})

test('a code space that is all taken ends in a CONFLICT, not a loop', async () => {
  const err = await claimPickupCode(() => '11112222', { kind: 'order', ownerId: 'o3' }, at)
    .then(() => null)
    .catch((e: unknown) => e)
  expect(err).toBeInstanceOf(AppError)
  expect((err as AppError).code).toBe('CONFLICT')
})
