/**
 * Prototype pollution (issue #16, item 9): an input with a `__proto__`, `constructor` or
 * `prototype` key anywhere is refused with INVALID_INPUT, before a schema (which may strip
 * unknown keys or accept records) sees it.
 */
import { z } from 'zod'
import { defineFunction } from '../../../shared/platform/runtime/define-function'
import { findForbiddenKey } from '../../../shared/platform/contract/forbidden-keys'

process.env.FUNCTION_LOG = 'off'

const main = defineFunction({
  name: 'probe',
  input: {
    save: z.object({
      note: z.string().optional(),
      tags: z.record(z.string(), z.unknown()).optional(),
      items: z.array(z.object({ name: z.string() })).optional(),
    }),
  },
  output: { save: z.object({ saved: z.literal(true) }) },
  policy: { save: 'public' },
  handlers: {
    save: async (_ctx, input) => {
      // What a careless service does with its input.
      Object.assign({}, input.tags)
      return { saved: true as const }
    },
  },
})

const ATTACKS: [string, string, string][] = [
  ['__proto__ at the top', '{"action":"save","__proto__":{"polluted":true}}', '__proto__'],
  [
    '__proto__ in a record',
    '{"action":"save","tags":{"__proto__":{"isAdmin":true}}}',
    'tags.__proto__',
  ],
  [
    'constructor.prototype in an array item',
    '{"action":"save","items":[{"name":"a","constructor":{"prototype":{"x":1}}}]}',
    'items.0.constructor',
  ],
  ['prototype', '{"action":"save","tags":{"a":{"prototype":1}}}', 'tags.a.prototype'],
]

describe('inputs with prototype keys are refused', () => {
  it.each(ATTACKS)('%s (mini-program call) → INVALID_INPUT', async (_name, body, field) => {
    const answer = (await main(JSON.parse(body), {})) as any
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field } })
    expect(answer.error.message).toMatch(/不允许的字段名/)
    expect(({} as any).polluted).toBeUndefined()
  })

  it.each(ATTACKS)('%s (HTTP access) → 400', async (_name, body, field) => {
    const answer = (await main(
      { httpMethod: 'POST', path: '/fn/probe', headers: {}, body, isBase64Encoded: false },
      {},
    )) as any
    expect(answer.statusCode).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field },
    })
  })

  it('ordinary keys and values (even the words as values) pass', async () => {
    const answer = (await main(
      JSON.parse('{"action":"save","note":"__proto__","tags":{"proto":"constructor"}}'),
      {},
    )) as any
    expect(answer).toEqual({ ok: true, data: { saved: true } })
  })

  it('a deeply nested body does not overflow the stack', () => {
    const deep: unknown = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)
    expect(findForbiddenKey(deep)).toBeNull()
  })
})
