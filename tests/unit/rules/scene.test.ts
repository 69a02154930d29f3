import fc from 'fast-check'
import { SCENE_MAX_LENGTH, signScene, verifyScene } from '../../../shared/membership/rules/scene'

const SECRET = 'test-secret'

describe('signed code scenes', () => {
  it('round-trips a store and a clerk code within 32 characters', () => {
    const store = signScene({ kind: 'store', code: 'SH001' }, SECRET)
    const clerk = signScene({ kind: 'clerk', code: 'ABCDEFGHIJKL' }, SECRET)
    expect(store.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH)
    expect(clerk.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH)
    expect(verifyScene(store, SECRET)).toEqual({ kind: 'store', code: 'SH001' })
    expect(verifyScene(clerk, SECRET)).toEqual({ kind: 'clerk', code: 'ABCDEFGHIJKL' })
  })

  it('refuses a scene signed with another secret', () => {
    expect(verifyScene(signScene({ kind: 'store', code: 'SH001' }, 'other'), SECRET)).toBeNull()
  })

  it('refuses a store scene edited into a clerk scene or another code', () => {
    const scene = signScene({ kind: 'store', code: 'SH001' }, SECRET)
    expect(verifyScene(`c${scene.slice(1)}`, SECRET)).toBeNull()
    expect(verifyScene(scene.replace('SH001', 'SH002'), SECRET)).toBeNull()
  })

  it('refuses codes that cannot be put in a scene', () => {
    expect(() => signScene({ kind: 'store', code: 'has space' }, SECRET)).toThrow()
    expect(() => signScene({ kind: 'store', code: 'A'.repeat(13) }, SECRET)).toThrow()
  })

  it('property: any single-character edit of a genuine scene is refused', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'
    fc.assert(
      fc.property(
        fc.constantFrom<'store' | 'clerk'>('store', 'clerk'),
        fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
        fc.nat(),
        fc.constantFrom(...alphabet.split('')),
        (kind, code, position, replacement) => {
          const scene = signScene({ kind, code }, SECRET)
          const index = position % scene.length
          fc.pre(scene[index] !== replacement)
          const edited = scene.slice(0, index) + replacement + scene.slice(index + 1)
          return verifyScene(edited, SECRET) === null
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('property: arbitrary strings never verify and never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => verifyScene(text, SECRET) === null),
    )
  })
})
