/** The layout's promises (scripts/check-imports.ts): no cycle, domains meet only in flows/. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  appReachViolations,
  checkImports,
  findCycles,
  importGraph,
} from '../../../scripts/check-imports'

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

  it('an app that reaches the functions’ runtime or a node: import through a shared type is refused', () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'app-reach-'))
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(tree, file)), { recursive: true })
      writeFileSync(path.join(tree, file), text)
    }
    write('console/src/api.ts', "import type { View } from '../../shared/shop/contract'\n")
    write(
      'shared/shop/contract.ts',
      "import type { OrderDoc } from './documents'\nexport type View = OrderDoc\n",
    )
    write(
      'shared/shop/documents.ts',
      "import type { Port } from '../platform/runtime/ports'\nexport type OrderDoc = Port\n",
    )
    write('shared/platform/runtime/ports.ts', 'export type Port = 1\n')
    write('miniprogram/src/app.ts', "import { hash } from '../../shared/platform/hash'\n")
    write(
      'shared/platform/hash.ts',
      "import { createHash } from 'node:crypto'\nexport const hash = createHash\n",
    )
    write('miniprogram/src/fine.ts', "import { View } from '../../shared/shop/pure'\n")
    write('shared/shop/pure.ts', 'export const View = 1\n')
    expect(
      appReachViolations(tree)
        .map((v) => v.message)
        .sort(),
    ).toEqual([
      'an app reaches server-only shared/platform/hash.ts: miniprogram/src/app.ts → shared/platform/hash.ts',
      'an app reaches server-only shared/platform/runtime/ports.ts: console/src/api.ts → shared/shop/contract.ts → shared/shop/documents.ts → shared/platform/runtime/ports.ts',
    ])
  })
})
