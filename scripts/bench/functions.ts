/**
 * Size and cold `require` time of each bundled function (what a CloudBase cold start pays
 * before main() runs), side by side with a bundle holding only `@cloudbase/node-sdk` built with
 * the same settings (the floor every function pays; target ≤ 1.3× it). Each require runs in a
 * fresh node process, the SDK-only bundle and the functions interleaved round by round so load
 * on the machine falls on both; the median of 7 is reported. `carries` names what a bundle holds
 * beyond the SDK, largest first (from esbuild's metafile).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { bundleFunction, buildFunctions, zodEnglishOnly } from '../build-functions'

const root = path.resolve(__dirname, '..', '..')

function coldRequireMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`
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

/** KB per package or folder in the minified bundle of `entry`. */
async function composition(entry: string): Promise<Map<string, number>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    outfile: 'out.js',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [zodEnglishOnly],
    absWorkingDir: root,
  })
  const byOwner = new Map<string, number>()
  for (const output of Object.values(result.metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      byOwner.set(ownerOf(input), (byOwner.get(ownerOf(input)) ?? 0) + bytesInOutput / 1024)
  return byOwner
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export async function benchFunctions(): Promise<object[]> {
  const built = await buildFunctions()
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sdk-only-'))
  try {
    const sdkEntry = path.join(__dirname, 'sdk-only.ts')
    const sdk = await bundleFunction({ name: 'sdk-only' }, sdkEntry, scratch)
    const files = [
      path.join(sdk.dir, 'index.js'),
      ...built.map((fn) => path.join(fn.dir, 'index.js')),
    ]
    const samples = files.map(() => [] as number[])
    for (let round = 0; round < 7; round++)
      files.forEach((file, i) => samples[i]!.push(coldRequireMs(file)))
    const sdkMs = median(samples[0]!)
    const sdkParts = await composition(sdkEntry)
    const rows: object[] = [
      {
        bench: 'function.bundle',
        name: '(only @cloudbase/node-sdk)',
        kb: Math.round(sdk.bytes / 1024),
        coldRequireMs: Number(sdkMs.toFixed(1)),
      },
    ]
    for (const [i, fn] of built.entries()) {
      const ms = median(samples[i + 1]!)
      const parts = await composition(path.join(root, 'cloudfunctions', fn.name, 'index.ts'))
      const carries = [...parts]
        .filter(([owner]) => !sdkParts.has(owner))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([owner, kb]) => `${owner} ${Math.round(kb)} KB`)
      rows.push({
        bench: 'function.bundle',
        name: fn.name,
        bytes: fn.bytes,
        kb: Math.round(fn.bytes / 1024),
        coldRequireMs: Number(ms.toFixed(1)),
        overSdkOnly: Number((ms / sdkMs).toFixed(2)),
        target: '≤ 1.3× the SDK-only bundle',
        carries,
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
