/**
 * Contract tables build an action's schema when it is first read (the cold start of a function
 * pays for none of them), and otherwise behave as the plain objects they replaced.
 */
import { z } from 'zod'
import { joinActions, lazyActions } from '../../../shared/platform/contract/lazy-actions'

/** zod objects constructed while `run` runs (every zod schema and check installs `_zod` once). */
function zodObjectsBuiltBy(run: () => void): number {
  const define = Object.defineProperty
  let count = 0
  Object.defineProperty = function (target, key, descriptor) {
    if (key === '_zod') count++
    return define(target, key, descriptor)
  } as typeof Object.defineProperty
  try {
    run()
  } finally {
    Object.defineProperty = define
  }
  return count
}

describe('lazyActions', () => {
  it('builds an action schema on its first read, once, and lists actions without building', () => {
    const built: string[] = []
    const table = lazyActions({
      first: () => (built.push('first'), z.strictObject({ n: z.number().int() })),
      second: () => (built.push('second'), z.strictObject({ s: z.string() })),
    })
    expect(Object.keys(table)).toEqual(['first', 'second'])
    expect('first' in table && Object.prototype.hasOwnProperty.call(table, 'second')).toBe(true)
    expect(Object.prototype.hasOwnProperty.call(table, 'third')).toBe(false)
    expect(built).toEqual([])
    const schema = table.first
    expect(table.first).toBe(schema)
    expect(built).toEqual(['first'])
    expect(schema.safeParse({ n: 1.5 }).success).toBe(false)
    expect(schema.parse({ n: 2 })).toEqual({ n: 2 })
  })

  it('joins tables in order without building, sharing each built schema', () => {
    const built: string[] = []
    const a = lazyActions({ one: () => (built.push('one'), z.string()) })
    const b = lazyActions({
      two: () => (built.push('two'), z.number()),
      three: () => (built.push('three'), z.boolean()),
    })
    const joined = joinActions(a, b)
    expect(Object.keys(joined)).toEqual(['one', 'two', 'three'])
    expect(built).toEqual([])
    expect(joined.two).toBe(b.two)
    expect(built).toEqual(['two'])
  })

  it('refuses an action declared twice and a plain object (a spread would build every schema)', () => {
    const a = lazyActions({ one: () => z.string() })
    expect(() => joinActions(a, lazyActions({ one: () => z.number() }))).toThrow(/declared twice/)
    expect(() => joinActions(a, { two: z.number() })).toThrow(/lazyActions/)
  })
})

describe('the contracts', () => {
  it('admin: loading the contract builds no action schema and no view; one action builds its own', () => {
    jest.isolateModules(() => {
      let contract!: typeof import('../../../shared/hq/contract')
      const loading = zodObjectsBuiltBy(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside the count
        contract = require('../../../shared/hq/contract') as typeof contract
      })
      // What remains at load: the shared scalars of platform/contract/common.ts (3,307 before).
      expect(loading).toBeLessThan(60)
      const listing = zodObjectsBuiltBy(() => Object.keys(contract.adminInput))
      expect(listing).toBe(0)
      const outputs = zodObjectsBuiltBy(() => Object.keys(contract.adminOutput))
      expect(outputs).toBe(0)
      const login = zodObjectsBuiltBy(() => contract.adminInput.login)
      expect(login).toBeGreaterThan(0)
      expect(zodObjectsBuiltBy(() => contract.adminInput.login)).toBe(0)
      // With the schemas built at load, reading them all would build nothing.
      const everyAction = zodObjectsBuiltBy(() => {
        for (const action of Object.keys(
          contract.adminInput,
        ) as (keyof typeof contract.adminInput)[])
          void [contract.adminInput[action], contract.adminOutput[action]]
      })
      expect(everyAction).toBeGreaterThan(1000)
    })
  })
})
