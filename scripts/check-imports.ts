/**
 * The layout's two promises, checked on every lint run (`npm run lint`, `npm test`):
 * 1. No import cycle anywhere in the tree (type-only imports included: a cycle of types is still
 *    two modules that cannot be understood apart).
 * 2. shared/ keeps its layers: `platform/` imports no domain; a domain imports another domain only
 *    through what that domain publishes for others (its documents, collections, contract, pure
 *    rules, read-only lookups and lifecycle tables), never its services; only `flows/` combine the
 *    services of several domains.
 *
 * 3. shared/ reads and writes the database through typed collections (platform/db/collection.ts):
 *    no `as Rows<...>` cast of a query's result and no hand-written DATABASE_DUPLICATE_WRITE catch
 *    (`insertOnce` / `unlessDuplicate` are the one place a duplicate is handled).
 *
 * 4. The apps (console/src, miniprogram/src) reach only what runs in a browser or the mini-program:
 *    no module under shared/platform/runtime/ or adapters/, the database layer, or a `node:` import,
 *    type-only imports included (the apps type-check without Node's types).
 *
 * Exits 1 with one line per violation. `checkImports(root)` is what the unit test calls.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const SCANNED = ['shared', 'cloudfunctions', 'scripts', 'tests', 'console/src', 'miniprogram/src']
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.build', '.data', '.test-artifacts'])
const EXTENSIONS = ['.ts', '.tsx', '.js', '/index.ts', '/index.tsx', '/index.js']
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bjest\.mock\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g

/** What a domain publishes to the rest of shared/ (paths inside the domain's folder). */
const PUBLISHED = [
  /^documents\.ts$/,
  /^collections\.ts$/,
  /^(?:[\w-]+-)?contract\.ts$/,
  /^lookups\.ts$/,
  /^lifecycle\.ts$/,
  /^rules\//,
]

export interface ImportViolation {
  kind: 'cycle' | 'layer' | 'untyped-db' | 'app-reach'
  message: string
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIPPED_DIRS.has(name)) continue
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) listFiles(full, out)
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(full)
  }
  return out
}

function resolveImport(fromFile: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(fromFile), specifier)
  for (const candidate of ['', ...EXTENSIONS]) {
    const file = base + candidate
    try {
      if (statSync(file).isFile()) return file
    } catch {
      // not this candidate
    }
  }
  return null
}

/** Every file's relative imports, resolved to files (specifiers that resolve to nothing are tsc's to report). */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const folder of SCANNED) {
    const dir = path.join(root, folder)
    try {
      statSync(dir)
    } catch {
      continue
    }
    for (const file of listFiles(dir)) {
      const source = readFileSync(file, 'utf8')
      const targets = new Set<string>()
      for (const match of source.matchAll(SPECIFIER)) {
        const target = resolveImport(file, match[2]!)
        if (target && /\.(ts|tsx)$/.test(target)) targets.add(target)
      }
      graph.set(file, [...targets])
    }
  }
  return graph
}

/** Cycles as file lists (Tarjan's strongly connected components, each reported once). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next)
    next += 1
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      const selfLoop = (graph.get(node) ?? []).includes(node)
      if (component.length > 1 || selfLoop) cycles.push(component.reverse())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return cycles
}

/** Where a file under shared/ sits: `platform`, `flows`, `index` (shared/*.ts) or a domain's name. */
function areaOf(sharedRelative: string): string {
  const [first, ...rest] = sharedRelative.split('/')
  return rest.length === 0 ? 'index' : first!
}

export function layerViolations(root: string, graph: Map<string, string[]>): ImportViolation[] {
  const shared = path.join(root, 'shared') + path.sep
  const violations: ImportViolation[] = []
  for (const [file, targets] of graph) {
    if (!file.startsWith(shared)) continue
    const from = path.relative(path.join(root, 'shared'), file).split(path.sep).join('/')
    const fromArea = areaOf(from)
    for (const target of targets) {
      if (!target.startsWith(shared)) continue
      const to = path.relative(path.join(root, 'shared'), target).split(path.sep).join('/')
      const toArea = areaOf(to)
      if (toArea === fromArea || toArea === 'platform') continue
      let reason: string | null = null
      if (fromArea === 'platform') reason = 'platform/ imports no domain, flow or index'
      else if (toArea === 'flows') reason = 'only flows/ may call flows'
      else if (fromArea !== 'flows' && fromArea !== 'index' && toArea !== 'index') {
        const inside = to.slice(toArea.length + 1)
        if (!PUBLISHED.some((pattern) => pattern.test(inside)))
          reason = `a domain uses another domain's documents, collections, contract, rules and lookups only (${toArea}/${inside} is its service); cross-domain work belongs in flows/`
      }
      if (reason)
        violations.push({ kind: 'layer', message: `shared/${from} → shared/${to}: ${reason}` })
    }
  }
  return violations
}

/** The casts and catches typed collections replaced; only the database layer may name them. */
const UNTYPED_DB = [
  {
    pattern: /\bas\s+(?:Promise<\s*)?Rows</,
    what: 'an `as Rows<...>` cast (use collection(spec))',
  },
  { pattern: /\btype\s+Rows\s*</, what: 'a local `type Rows` (use collection(spec))' },
  {
    pattern: /DATABASE_DUPLICATE_WRITE/,
    what: 'a hand-written duplicate-write catch (use insertOnce or unlessDuplicate)',
  },
]
const DB_LAYER = /^shared\/platform\/(?:db|runtime)\//

export function untypedDbViolations(root: string, graph = importGraph(root)): ImportViolation[] {
  const violations: ImportViolation[] = []
  for (const file of graph.keys()) {
    const rel = path.relative(root, file).split(path.sep).join('/')
    if (!rel.startsWith('shared/') || DB_LAYER.test(rel)) continue
    const source = readFileSync(file, 'utf8')
    for (const { pattern, what } of UNTYPED_DB)
      for (const match of source.matchAll(new RegExp(pattern.source, 'g'))) {
        const line = source.slice(0, match.index).split('\n').length
        violations.push({ kind: 'untyped-db', message: `${rel}:${line}: ${what}` })
      }
  }
  return violations
}

const APPS = /^(?:console|miniprogram)\/src\//
const SERVER_ONLY =
  /^shared\/platform\/(?:runtime|adapters)\/|^shared\/platform\/db\/collection\.ts$/
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]node:/

/** Server-only modules an app reaches, each with the chain that leads there from an app file. */
export function appReachViolations(root: string, graph = importGraph(root)): ImportViolation[] {
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/')
  const via = new Map<string, string | null>()
  const queue: string[] = []
  for (const file of graph.keys())
    if (APPS.test(rel(file))) {
      via.set(file, null)
      queue.push(file)
    }
  const violations: ImportViolation[] = []
  while (queue.length > 0) {
    const file = queue.shift()!
    const name = rel(file)
    const serverOnly =
      SERVER_ONLY.test(name) || (!APPS.test(name) && NODE_IMPORT.test(readFileSync(file, 'utf8')))
    if (serverOnly) {
      const chain: string[] = []
      for (let at: string | null = file; at; at = via.get(at) ?? null) chain.unshift(rel(at))
      violations.push({
        kind: 'app-reach',
        message: `an app reaches server-only ${name}: ${chain.join(' → ')}`,
      })
      continue
    }
    for (const target of graph.get(file) ?? [])
      if (!via.has(target)) {
        via.set(target, file)
        queue.push(target)
      }
  }
  return violations
}

export function checkImports(root: string): ImportViolation[] {
  const graph = importGraph(root)
  const cycles = findCycles(graph).map((cycle) => ({
    kind: 'cycle' as const,
    message: `import cycle: ${cycle.map((file) => path.relative(root, file)).join(' → ')}`,
  }))
  return [
    ...cycles,
    ...layerViolations(root, graph),
    ...untypedDbViolations(root, graph),
    ...appReachViolations(root, graph),
  ]
}

if (require.main === module) {
  const violations = checkImports(path.resolve(__dirname, '..'))
  for (const violation of violations) process.stdout.write(`${violation.message}\n`)
  if (violations.length > 0) {
    process.stdout.write(`\n${violations.length} import problem(s)\n`)
    process.exit(1)
  }
  process.stdout.write('imports: no cycle, layers kept, database access typed, apps server-free\n')
}
