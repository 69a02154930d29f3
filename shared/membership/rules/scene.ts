/**
 * The `scene` inside a store's or clerk's mini-program code (wxacode.getUnlimited allows at most
 * 32 visible characters). It names the target and carries an HMAC so that a forged or edited
 * scene is refused: `s.<storeCode>.<mac>`, `c.<clerkCode>.<mac>` or `i.<inviteCode>.<mac>` (a
 * one-time staff invite), where mac is the first
 * 9 bytes of HMAC-SHA256 in base64url (12 characters). With codes of at most 12 characters the
 * scene is at most 27 characters.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export type SceneKind = 'store' | 'clerk' | 'invite'
export interface SceneTarget {
  kind: SceneKind
  code: string
}

export const SCENE_MAX_LENGTH = 32
const CODE = /^[A-Za-z0-9]{1,12}$/
const PREFIX = { store: 's', clerk: 'c', invite: 'i' } as const
const KIND_OF_PREFIX: Record<string, SceneKind> = { s: 'store', c: 'clerk', i: 'invite' }

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 9).toString('base64url')
}

export function signScene(target: SceneTarget, secret: string): string {
  if (!CODE.test(target.code))
    throw new Error(`scene code must be 1-12 letters or digits: ${target.code}`)
  const body = `${PREFIX[target.kind]}.${target.code}`
  return `${body}.${mac(body, secret)}`
}

/** The target of a genuine scene, or null for anything forged, edited or malformed. */
export function verifyScene(scene: string, secret: string): SceneTarget | null {
  if (scene.length > SCENE_MAX_LENGTH) return null
  const match = /^([sci])\.([A-Za-z0-9]{1,12})\.([A-Za-z0-9_-]{12})$/.exec(scene)
  if (!match) return null
  const [, prefix, code, given] = match as unknown as [string, string, string, string]
  const expected = Buffer.from(mac(`${prefix}.${code}`, secret))
  const actual = Buffer.from(given)
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null
  return { kind: KIND_OF_PREFIX[prefix]!, code }
}
