/** The layout's promises (scripts/check-imports.ts): no cycle, domains meet only in flows/. */
import path from 'node:path'
import { checkImports, findCycles, importGraph } from '../../../scripts/check-imports'

const root = path.resolve(__dirname, '..', '..', '..')

describe('imports', () => {
  it('the tree has no import cycle and no domain calls another domain’s services', () => {
    expect(checkImports(root).map((violation) => violation.message)).toEqual([])
  })

  it('finds a cycle of three and a self-import, and nothing in a chain', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['f']],
      ['f', []],
    ])
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['d']])
  })

  it('every function that can move a payment registers the payment owners at start', () => {
    const graph = importGraph(root)
    const reachable = (start: string) => {
      const seen = new Set<string>()
      const stack = [start]
      while (stack.length > 0) {
        const file = stack.pop()!
        if (seen.has(file)) continue
        seen.add(file)
        stack.push(...(graph.get(file) ?? []))
      }
      return seen
    }
    const payments = path.join(root, 'shared/payments/payment-service.ts')
    const owners = path.join(root, 'shared/flows/payment-owners.ts')
    const functions = [...graph.keys()].filter((file) =>
      /cloudfunctions\/[^/]+\/index\.ts$/.test(file),
    )
    const missing = functions.filter((file) => {
      const seen = reachable(file)
      return seen.has(payments) && !seen.has(owners)
    })
    expect(missing.map((file) => path.relative(root, file))).toEqual([])
    expect(functions.length).toBeGreaterThan(5)
  })
})
