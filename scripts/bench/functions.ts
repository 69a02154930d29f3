/**
 * Size and cold `require` time of each bundled function (what a CloudBase cold start pays
 * before main() runs), side by side with a bundle holding only `@cloudbase/node-sdk` built with
 * the same settings (the floor every function pays; target ≤ 1.3× it). Each require runs in a
 * fresh node process, the SDK-only bundle and the functions interleaved round by round so load
 * on the machine falls on both; the median of the rounds is reported, as wall time and as the
 * process's CPU time (steadier on a busy machine: waiting for a core is not counted).
 * `zodObjectsAtLoad` counts the zod objects that require builds (contracts build theirs on first use).
 * `carries` names what index.js holds beyond the SDK-only bundle, largest first, by package or
 * shared/ folder (from esbuild's metafile; a package the SDK also bundles counts only for the
 * bytes beyond the SDK's, e.g. a second copy of `semver`). `lazy` lists the packages the
 * function loads on first use (scripts/build-functions.ts) with their size and what that first
 * `require` costs.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bundleFunction, buildFunctions, lazyFileOf, type BundleInputs } from '../build-functions'

const ROUNDS = 9

interface Sample {
  wallMs: number
  cpuMs: number
  /** Wall ms of each lazy file's first require, after index.js. */
  lazyMs: number[]
}

/** Requires `file` (then each of `lazyFiles`) in a fresh node process. */
function coldRequire(file: string, lazyFiles: string[]): Sample {
  const script = `
    const c=process.cpuUsage(),t=process.hrtime.bigint();
    require(${JSON.stringify(file)});
    const wallMs=Number(process.hrtime.bigint()-t)/1e6,u=process.cpuUsage(c),cpuMs=(u.user+u.system)/1e3;
    const lazyMs=${JSON.stringify(lazyFiles)}.map((f)=>{const s=process.hrtime.bigint();require(f);return Number(process.hrtime.bigint()-s)/1e6});
    process.stdout.write(JSON.stringify({wallMs,cpuMs,lazyMs}))`
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Sample
}

/**
 * zod objects (schemas and checks) built by requiring `file` in a fresh node process: zod installs
 * its `_zod` internals with one `Object.defineProperty` per object, so counting those counts them.
 * What a contract builds at load rather than on first use shows here (README "Benchmarks").
 */
function zodObjectsAtLoad(file: string): number {
  const script = `
    let n=0;const define=Object.defineProperty;
    Object.defineProperty=function(o,k,d){if(k==='_zod'&&d&&d.value&&d.value.traits instanceof Set)n++;return define.call(this,o,k,d)};
    require(${JSON.stringify(file)});process.stdout.write(String(n))`
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}

/** Which package (or shared/ folder) a bundled input belongs to. */
function ownerOf(input: string): string {
  const modules = input.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const rest = input.slice(modules + 'node_modules/'.length).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  const parts = input.split('/')
  return parts[0] === 'shared' ? `shared/${parts[1]}` : parts.slice(0, 2).join('/')
}

/** Bytes per package or folder. */
function byOwner(inputs: BundleInputs): Map<string, number> {
  const owners = new Map<string, number>()
  for (const [input, bytes] of Object.entries(inputs))
    owners.set(ownerOf(input), (owners.get(ownerOf(input)) ?? 0) + bytes)
  return owners
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round1 = (x: number) => Number(x.toFixed(1))
const kb = (bytes: number) => Math.round(bytes / 1024)

export async function benchFunctions(): Promise<object[]> {
  const built = await buildFunctions()
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sdk-only-'))
  try {
    const sdk = await bundleFunction(
      { name: 'sdk-only' },
      path.join(__dirname, 'sdk-only.ts'),
      scratch,
    )
    const bundles = [sdk, ...built].map((fn) => ({
      fn,
      file: path.join(fn.dir, 'index.js'),
      lazyFiles: fn.lazy.map((l) => path.join(fn.dir, lazyFileOf(l.package))),
    }))
    const samples = bundles.map(() => [] as Sample[])
    for (let round = 0; round < ROUNDS; round++)
      bundles.forEach((b, i) => samples[i]!.push(coldRequire(b.file, b.lazyFiles)))
    const wall = samples.map((s) => median(s.map((x) => x.wallMs)))
    const cpu = samples.map((s) => median(s.map((x) => x.cpuMs)))
    const sdkParts = byOwner(sdk.inputs)
    const rows: object[] = [
      {
        bench: 'function.bundle',
        name: '(only @cloudbase/node-sdk)',
        kb: kb(sdk.bytes),
        coldRequireMs: round1(wall[0]!),
        coldRequireCpuMs: round1(cpu[0]!),
        rounds: ROUNDS,
      },
    ]
    for (const [i, fn] of built.entries()) {
      const carries = [...byOwner(fn.inputs)]
        .map(([owner, bytes]) => [owner, bytes - (sdkParts.get(owner) ?? 0)] as const)
        .filter(([, extra]) => extra >= 512)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([owner, extra]) => `${owner} ${kb(extra)} KB`)
      rows.push({
        bench: 'function.bundle',
        name: fn.name,
        kb: kb(fn.bytes),
        overSdkKb: kb(fn.bytes - sdk.bytes),
        coldRequireMs: round1(wall[i + 1]!),
        overSdkOnly: Number((wall[i + 1]! / wall[0]!).toFixed(2)),
        coldRequireCpuMs: round1(cpu[i + 1]!),
        cpuOverSdkOnly: Number((cpu[i + 1]! / cpu[0]!).toFixed(2)),
        target: '≤ 1.3× the SDK-only bundle',
        zodObjectsAtLoad: zodObjectsAtLoad(bundles[i + 1]!.file),
        carries,
        lazy: fn.lazy.map(
          (l, j) =>
            `${l.package} ${kb(l.bytes)} KB, first use +${Math.round(median(samples[i + 1]!.map((s) => s.lazyMs[j]!)))} ms`,
        ),
        buildMs: fn.buildMs,
      })
    }
    return rows
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (require.main === module) {
  benchFunctions()
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    })
}
