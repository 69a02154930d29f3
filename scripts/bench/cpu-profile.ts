/**
 * CPU profiles of a benchmark's stack child (BENCH_CPU_PROF=<folder>, scripts/bench/child.ts).
 *
 * `npx tsx scripts/bench/cpu-profile.ts <file.cpuprofile> [top]` prints the share of the sampled
 * busy time (idle left out) by where the code lives (our shared/ code by domain folder, the
 * gateway by file, the SDK, zod, node's internals by module, garbage collection) and the top
 * functions by self time, then by total time (self plus what they call).
 *
 * The functions run minified; `mapBundleFrames` (run by the child before it writes the profile)
 * puts each bundle frame back at its source file and line through the bundle's source map, so the
 * file also reads in Chrome DevTools' profiler.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const root = path.resolve(__dirname, '..', '..')

/** Rewrites the frames of bundles under `functionsDir` to their sources (repo-relative paths). */
export function mapBundleFrames(profile: CpuProfile, functionsDir: string): void {
  const maps = new Map<string, SourceMap | null>()
  const mapOf = (file: string) => {
    if (!maps.has(file)) {
      const mapFile = `${file}.map`
      maps.set(
        file,
        existsSync(mapFile)
          ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as never)
          : null,
      )
    }
    return maps.get(file)!
  }
  for (const node of profile.nodes) {
    const frame = node.callFrame
    const file = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url
    if (!file.startsWith(functionsDir)) continue
    const entry = mapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber)
    if (!entry || !('originalSource' in entry)) continue
    const source = path.resolve(path.dirname(file), entry.originalSource)
    frame.url = path.relative(root, source)
    frame.lineNumber = entry.originalLine
    frame.columnNumber = entry.originalColumn
    const name = (entry as { name?: string }).name
    if (name) frame.functionName = name
  }
}

/** Where a frame's code lives. */
export function areaOf(frame: Pick<CallFrame, 'url' | 'functionName'>): string {
  const { url, functionName } = frame
  if (functionName === '(idle)') return 'idle'
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (functionName === '(program)') return 'V8 (program)'
  if (url === '') return `native: ${functionName || '(anonymous)'}`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  if (pkg) return `package: ${pkg}`
  if (url.startsWith('node:')) return `node: ${url.slice(5).replace(/^internal\//, '')}`
  const rel = url.startsWith('file:') ? path.relative(root, fileURLToPath(url)) : url
  const shared = /^shared\/([^/]+\/(?:[^/]+\/)?)/.exec(rel)?.[1]
  if (shared) return `shared/${shared.replace(/[^/]+\.ts$/, '')}`
  if (rel.startsWith('scripts/local-cloud/')) return rel
  if (rel.startsWith('cloudfunctions/')) return 'cloudfunctions/'
  return rel
}

/**
 * Who a sample's time is for: the innermost frame on its stack that is not node's or V8's own
 * (node's HTTP parser called from a socket read belongs to nobody in particular: "node / V8").
 */
export function ownerOf(area: string): string | null {
  // Taking the profile (its start and stop run in this process) is not the workload's.
  if (area === 'node: inspector') return 'the profiler itself'
  if (area.startsWith('package: @cloudbase/signature')) return 'SDK: request signing'
  if (area.startsWith('package: @cloudbase/')) return 'SDK: requests, (de)serialising'
  if (area.startsWith('package: mingo')) return 'gateway: mingo (query matching, updates)'
  if (area.startsWith('package: bson')) return 'gateway: EJSON (bson)'
  if (area.startsWith('package: zod')) return 'zod'
  if (area.startsWith('package: ')) return area
  if (area.startsWith('scripts/local-cloud/gateway/')) return `gateway: ${area.split('/').pop()}`
  if (area.startsWith('scripts/local-cloud/')) return `local stack: ${area.split('/').pop()}`
  if (area.startsWith('shared/') || area.startsWith('cloudfunctions/')) return `ours: ${area}`
  return null
}

function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id)
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  )
  const nameOf = (frame: CallFrame) =>
    `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^file:\/\/\/?/, '/').replace(`${root}/`, '')}:${frame.lineNumber + 1}`
  let busy = 0
  let idle = 0
  const areas = new Map<string, number>()
  const owners = new Map<string, number>()
  const selfByFn = new Map<string, number>()
  const totalByFn = new Map<string, number>()
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    const area = areaOf(frame)
    if (area === 'idle') {
      idle += us
      continue
    }
    busy += us
    areas.set(area, (areas.get(area) ?? 0) + us)
    selfByFn.set(nameOf(frame), (selfByFn.get(nameOf(frame)) ?? 0) + us)
    let owner: string | null = area === 'garbage collection' ? area : null
    for (let at: number | undefined = id; owner === null && at !== undefined; at = parentOf.get(at))
      owner = ownerOf(areaOf(byId.get(at)!.callFrame))
    owner ??= 'node / V8 (no caller of ours on the stack)'
    owners.set(owner, (owners.get(owner) ?? 0) + us)
    // Total time: each function on the sample's stack once, however often it recurs there.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const name = nameOf(byId.get(at)!.callFrame)
      if (seen.has(name)) continue
      seen.add(name)
      totalByFn.set(name, (totalByFn.get(name) ?? 0) + us)
    }
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `${pct(us)}  ${name}`)
      .join('\n')
  return [
    `busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`,
    `\nby owner (innermost non-node frame on the stack):\n${list(owners)}`,
    `\nby area (self time):\n${list(areas)}`,
    `\ntop functions by self time:\n${list(selfByFn)}`,
    `\ntop functions by total time:\n${list(new Map([...totalByFn].filter(([n]) => !n.startsWith('(root)'))))}`,
  ].join('\n')
}

if (require.main === module) {
  const [file, topArg] = process.argv.slice(2)
  if (!file) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [top]')
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  process.stdout.write(`${summarise(profile, Number(topArg ?? 40))}\n`)
}
